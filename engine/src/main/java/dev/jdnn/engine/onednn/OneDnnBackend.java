package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_h;
import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.BatchNorm2d;
import dev.jdnn.engine.backend.BatchNormSpec;
import dev.jdnn.engine.backend.CompiledOps;
import dev.jdnn.engine.backend.Conv2dBackward;
import dev.jdnn.engine.backend.Concat;
import dev.jdnn.engine.backend.ConcatSpec;
import dev.jdnn.engine.backend.Conv2dForward;
import dev.jdnn.engine.backend.Conv2dSpec;
import dev.jdnn.engine.backend.Eltwise;
import dev.jdnn.engine.backend.EltwiseSpec;
import dev.jdnn.engine.backend.JavaBackend;
import dev.jdnn.engine.backend.Linear;
import dev.jdnn.engine.backend.LinearSpec;
import dev.jdnn.engine.backend.Lrn;
import dev.jdnn.engine.backend.LrnSpec;
import dev.jdnn.engine.backend.Pool2d;
import dev.jdnn.engine.backend.Pool2dSpec;
import dev.jdnn.engine.backend.Reorder;
import dev.jdnn.engine.backend.ReorderSpec;
import dev.jdnn.engine.backend.Sum;
import dev.jdnn.engine.backend.SumSpec;
import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.nativelib.DnnlStatus;
import dev.jdnn.nativelib.DnnlUnavailableException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.function.Function;

/**
 * The primitives on oneDNN: one CPU engine and one stream per backend, each operation compiled once per spec and
 * cached ({@link CompiledOps}). Where oneDNN has no implementation for a spec ({@code dnnl_unimplemented} when the
 * primitive descriptor is created), that operation runs on the Java kernels instead, said once per spec at debug
 * level on the {@code dev.jdnn.engine} logger. Operations run on the backend's stream: one thread at a time.
 * {@link #close()} frees every compiled operation, then the stream and the engine.
 */
public final class OneDnnBackend implements Backend {

    private static final Logger LOG = System.getLogger("dev.jdnn.engine");

    private final OneDnnEngine engine;
    private final CompiledOps ops = new CompiledOps("onednn");
    private final JavaBackend java = new JavaBackend(); // the per-op fallback
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

    /** oneDNN's AVX-512 convolutions compute on NHWC (they reorder plain NCHW in and out at every layer). */
    @Override
    public boolean prefersChannelsLast() {
        return true;
    }

    @Override
    public Conv2dForward conv2dForward(Conv2dSpec spec) {
        return compile("conv2d.forward", spec, s -> new OneDnnConv2dForward(engine, s), java::conv2dForward);
    }

    @Override
    public Eltwise eltwise(EltwiseSpec spec) {
        return compile("eltwise", spec, s -> new OneDnnEltwise(engine, s), java::eltwise);
    }

    @Override
    public Linear linear(LinearSpec spec) {
        return compile("linear", spec, s -> new OneDnnLinear(engine, s), java::linear);
    }

    @Override
    public Conv2dBackward conv2dBackward(Conv2dSpec spec) {
        return compile("conv2d.backward", spec, s -> new OneDnnConv2dBackward(engine, s), java::conv2dBackward);
    }

    @Override
    public Pool2d pool2d(Pool2dSpec spec) {
        return compile("pool2d", spec, s -> new OneDnnPool2d(engine, s), java::pool2d);
    }

    @Override
    public Lrn lrn(LrnSpec spec) {
        return compile("lrn", spec, s -> new OneDnnLrn(engine, s), java::lrn);
    }

    @Override
    public BatchNorm2d batchNorm2d(BatchNormSpec spec) {
        return compile("batchnorm2d", spec, s -> new OneDnnBatchNorm2d(engine, s), java::batchNorm2d);
    }

    @Override
    public Concat concat(ConcatSpec spec) {
        return compile("concat", spec, s -> new OneDnnConcat(engine, s), java::concat);
    }

    @Override
    public Sum sum(SumSpec spec) {
        return compile("sum", spec, s -> new OneDnnSum(engine, s), java::sum);
    }

    @Override
    public Reorder reorder(ReorderSpec spec) {
        return compile("reorder", spec, s -> new OneDnnReorder(engine, s), java::reorder);
    }

    /**
     * The cached operation for {@code spec} at the engine's thread count, compiled on oneDNN, or on the Java kernels
     * where oneDNN answers {@code dnnl_unimplemented}. oneDNN's kernels split their work for the OpenMP thread count
     * of the thread that creates them ({@code omp_get_max_threads}) and ask for that many threads whatever the count
     * at execution, so the count is applied before creating and is part of the cache key: after
     * {@code Parallel.setThreads} an operation is compiled anew (a primitive created on a thread that had not applied
     * --threads 1 ran on every core).
     */
    private <S, O> O compile(String operation, S spec, Function<S, ? extends O> onednn,
                             Function<S, ? extends O> fallback) {
        OpenMpThreads.applyToCallingThread();
        return ops.get(operation, spec, Parallel.threads(), s -> {
            try {
                return onednn.apply(s);
            } catch (OneDnnException e) {
                if (e.status() != dnnl_h.dnnl_unimplemented()) {
                    throw e;
                }
                LOG.log(Level.DEBUG, () -> operation + " " + s + ": oneDNN has no implementation ("
                        + e.getMessage() + "); it runs on the Java kernels");
                return fallback.apply(s);
            }
        });
    }

    /** How many operations this backend has compiled (oneDNN's and the Java fallbacks'). */
    int compiledOperations() {
        return ops.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            ops.close();
            java.close();
        } finally {
            engine.close();
        }
    }
}
