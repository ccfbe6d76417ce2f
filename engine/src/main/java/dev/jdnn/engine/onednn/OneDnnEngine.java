package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_h;
import java.lang.foreign.MemorySegment;

/**
 * One oneDNN CPU engine and one in-order stream on it. Primitives are created on the engine and executed on the
 * stream; a stream is used from one thread at a time.
 */
final class OneDnnEngine implements AutoCloseable {

    private final NativeResources resources = new NativeResources();
    private final MemorySegment engine; // dnnl_engine_t
    private final MemorySegment stream; // dnnl_stream_t

    OneDnnEngine() {
        try {
            MemorySegment slot = resources.handleSlot();
            engine = resources.own(dnnl_h.dnnl_engine_create(slot, dnnl_h.dnnl_cpu(), 0), "dnnl_engine_create",
                    slot, dnnl_h::dnnl_engine_destroy, "dnnl_engine_destroy");
            stream = resources.own(dnnl_h.dnnl_stream_create(slot, engine, dnnl_h.dnnl_stream_default_flags()),
                    "dnnl_stream_create", slot, dnnl_h::dnnl_stream_destroy, "dnnl_stream_destroy");
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    MemorySegment engine() {
        return engine;
    }

    MemorySegment stream() {
        return stream;
    }

    /** Waits until everything submitted to the stream has finished. */
    void await() {
        OneDnnStatus.check(dnnl_h.dnnl_stream_wait(stream), "dnnl_stream_wait");
    }

    @Override
    public void close() {
        resources.close();
    }
}
