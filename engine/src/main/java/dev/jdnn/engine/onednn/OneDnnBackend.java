package dev.jdnn.engine.onednn;

import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.Conv2dSpec;
import dev.jdnn.nativelib.DnnlStatus;
import dev.jdnn.nativelib.DnnlUnavailableException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The primitives on oneDNN: one CPU engine and one stream per backend, primitives compiled per spec. Convolutions
 * made by a backend run on its stream, so one thread at a time per backend. {@link #close()} closes the convolutions
 * still open, then the stream and the engine.
 */
public final class OneDnnBackend implements Backend, AutoCloseable {

    private final OneDnnEngine engine;
    private final Set<OneDnnConv2dForward> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** @throws DnnlUnavailableException with the reason when oneDNN cannot be loaded */
    public OneDnnBackend() {
        DnnlStatus status = OneDnn.status();
        if (!status.available()) {
            throw new DnnlUnavailableException("the onednn backend needs oneDNN: " + status.reason());
        }
        engine = new OneDnnEngine();
    }

    @Override
    public String name() {
        return "onednn";
    }

    @Override
    public OneDnnConv2dForward conv2dForward(Conv2dSpec spec) {
        if (closed) {
            throw new IllegalStateException("onednn backend: conv2dForward after close()");
        }
        OneDnnConv2dForward forward = new OneDnnConv2dForward(engine, spec, open::remove);
        open.add(forward);
        return forward;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (OneDnnConv2dForward forward : List.copyOf(open)) {
                forward.close();
            }
        } finally {
            engine.close();
        }
    }
}
