package dev.jdnn.engine.infer;

import dev.jdnn.engine.autograd.Autograd;
import dev.jdnn.engine.autograd.FusionCache;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.LifetimePlan;
import dev.jdnn.engine.autograd.TensorCache;
import dev.jdnn.engine.autograd.Trace;
import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.Backends;
import dev.jdnn.engine.kernel.NanScan;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A model ready to serve: fixed input shape, evaluation mode, a backend, and a pool of execution contexts so that many
 * threads may call {@link #run} at once. The model's parameters are shared and only read (batch norm uses its running
 * statistics, dropout is off); each call borrows a context — its own backend, whose compiled operations (oneDNN
 * primitives, packed weights) are cached per shape — so concurrent calls never share mutable state, and a result is
 * bit-identical to the same call made alone.
 *
 * <p>The first calls run the module's forward on a graph: every operation is compiled once per context and reused,
 * activations come from the context's {@link TensorCache} and go back to it as soon as their last reader has run
 * ({@link LifetimePlan}, learned on the first call), and the pass fuses ({@link FusionCache}): batch norms fold into
 * the convolutions before them, activations and residual adds become convolution post-ops, convolutions run with
 * weights prepared once, and on a backend that computes channels-last (oneDNN) activations stay NHWC between its
 * ops. Once the plan is learned, a context's pass captures its computations ({@link Graph#capture()}); every later
 * call on that context replays them on the same memory: no graph, no per-call Java objects, no lookups.
 */
public final class InferenceSession implements AutoCloseable {

    private final Module model;
    private final String backendName;
    private final Shape inputShape;
    private final Shape outputShape;
    private final NanInputs nanInputs;
    private long compileNanos;
    private final LifetimePlan plan = new LifetimePlan(); // shared by the contexts once learned
    private final FusionCache fusion = new FusionCache(); // folded and prepared convolutions, shared
    /**
     * A caller's execution context: its own backend (compiled operations), its own reusable activations, its copy of
     * the input, and, once a pass has been captured, the program that replays it.
     */
    private static final class Context {
        final Backend backend;
        final TensorCache cache = new TensorCache();
        final Tensor input;
        Runnable[] program; // the captured pass, or null until one is
        Tensor result;      // where the program leaves the output (memory of the cache)

        Context(Backend backend, Shape inputShape) {
            this.backend = backend;
            this.input = Tensor.allocate(inputShape, DType.F32);
        }

        void close() {
            backend.close();
            cache.close();
            input.close();
        }
    }

    private final ConcurrentLinkedQueue<Context> idle = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Context> all = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    private InferenceSession(Module model, String backendName, Shape inputShape, Shape outputShape,
                             NanInputs nanInputs) {
        this.model = model;
        this.backendName = backendName;
        this.inputShape = inputShape;
        this.outputShape = outputShape;
        this.nanInputs = nanInputs;
    }

    /**
     * Prepares {@code model} for inputs of {@code inputShape} {@code (N, C, H, W)} on the backend named
     * {@code backendName} ({@code auto}, {@code java}, {@code onednn}): checks the shape by tracing the model, and
     * compiles one execution context (running the model once on zeros). The session does not own the model.
     */
    public static InferenceSession compile(Module model, String backendName, Shape inputShape) {
        return compile(model, backendName, inputShape, NanInputs.REJECT);
    }

    /** {@link #compile(Module, String, Shape)} with what to do with NaN in an input ({@link NanInputs}). */
    public static InferenceSession compile(Module model, String backendName, Shape inputShape, NanInputs nanInputs) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(nanInputs, "nanInputs");
        inputShape.requireRank(4, "inference session: input", "N, C, H, W");
        long start = System.nanoTime();
        Trace trace = new Trace();
        Shape outputShape = Autograd.eval(() -> {
            try (Graph graph = Graph.shapeOnly(trace)) {
                return model.call(graph, graph.input(inputShape)).shape();
            }
        });
        InferenceSession session = new InferenceSession(model, backendName, inputShape, outputShape, nanInputs);
        try {
            session.learnPlan(trace.layers().size());
            try (Tensor zeros = Tensor.allocate(inputShape, DType.F32);
                 Tensor out = Tensor.allocate(outputShape, DType.F32)) {
                session.run(zeros, out);
            }
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        session.compileNanos = System.nanoTime() - start;
        return session;
    }

    public Shape inputShape() {
        return inputShape;
    }

    public Shape outputShape() {
        return outputShape;
    }

    /** Wall time of {@link #compile}, in nanoseconds. */
    public long compileNanos() {
        return compileNanos;
    }

    /**
     * Runs the model once per context on zeros, {@code contexts} times concurrently: the first call a service's user
     * sees then finds its operations compiled.
     */
    public void warmup(int contexts) {
        if (contexts < 1) {
            throw new IllegalArgumentException("warmup: contexts must be positive, got " + contexts);
        }
        while (all.size() < contexts) {
            Context context = newContext();
            idle.add(context);
        }
        try (Tensor zeros = Tensor.allocate(inputShape, DType.F32); Tensor out = Tensor.allocate(outputShape, DType.F32)) {
            for (Context context : all) {
                forward(context, zeros, out);
            }
        }
    }

    /**
     * Runs the model on {@code input} and writes {@code output}; safe to call from many threads at once.
     *
     * @throws IllegalArgumentException when a shape is not the session's, or (with {@link NanInputs#REJECT}) the input
     *                                  holds NaN; nothing is computed then and the session stays usable
     * @throws IllegalStateException    after {@link #close()}
     */
    public void run(Tensor input, Tensor output) {
        if (closed) {
            throw new IllegalStateException("inference session: run after close()");
        }
        input.shape().requireEqual(inputShape, "inference session: input");
        output.shape().requireEqual(outputShape, "inference session: output");
        Context context = idle.poll();
        if (context == null) {
            context = newContext();
        }
        try {
            forward(context, input, output);
        } finally {
            idle.add(context);
        }
    }

    /** Runs the model on {@code input} into a new tensor the caller owns. */
    public Tensor run(Tensor input) {
        Tensor output = Tensor.allocate(outputShape, DType.F32);
        try {
            run(input, output);
            return output;
        } catch (RuntimeException e) {
            output.close();
            throw e;
        }
    }

    /**
     * Learns the activations' lifetimes from one image when the input holds several (the sequence of ops does not
     * depend on the batch size; checked by comparing the traces), so that no call — the first included — holds every
     * activation of a large batch at once. With one image the first call learns it.
     */
    private void learnPlan(int layers) {
        if (inputShape.dim(0) == 1) {
            return;
        }
        Shape single = inputShape.withDim(0, 1);
        if (model.trace(single).layers().size() != layers) {
            return; // the ops differ with the batch size: the first full call learns instead
        }
        try (Backend backend = Backends.select(backendName); TensorCache cache = new TensorCache();
             FusionCache singleImage = new FusionCache(); Tensor zeros = Tensor.allocate(single, DType.F32)) {
            Autograd.eval(() -> {
                try (Graph graph = Graph.on(backend, cache, plan, singleImage)) {
                    model.call(graph, graph.input(zeros)).value();
                    graph.completePass();
                }
                return null;
            });
        }
    }

    private Context newContext() {
        Context context = new Context(Backends.select(backendName), inputShape);
        all.add(context);
        return context;
    }

    /**
     * One call on {@code context}: the captured program when the context has one (no graph, no Java heap), else a
     * pass through the model's forward that captures its computations once the memory plan is learned.
     */
    private void forward(Context context, Tensor input, Tensor output) {
        context.input.copyFrom(input);
        if (nanInputs == NanInputs.REJECT) {
            long at = NanScan.firstNaN(context.input);
            if (at >= 0) {
                throw new NanInputException("inference session: input holds NaN at " + position(at)
                        + " (compile the session with NanInputs.PASS_THROUGH to compute on NaN)", at);
            }
        }
        if (context.program != null) {
            for (Runnable step : context.program) {
                step.run();
            }
            output.copyFrom(context.result);
            return;
        }
        boolean capture = plan.learned();
        Autograd.eval(() -> {
            try (Graph graph = Graph.on(context.backend, context.cache, plan, fusion)) {
                if (capture) {
                    graph.capture();
                }
                Tensor result = model.call(graph, graph.input(context.input)).value();
                output.copyFrom(result);
                graph.completePass();
                graph.capturedProgram().ifPresent(program -> {
                    context.program = program.toArray(Runnable[]::new);
                    context.result = result;
                });
            }
            return null;
        });
    }

    /** Element {@code flat} of the input as {@code [n, c, h, w]}. */
    private String position(long flat) {
        int[] index = new int[4];
        for (int axis = 3; axis >= 0; axis--) {
            index[axis] = (int) (flat % inputShape.dim(axis));
            flat /= inputShape.dim(axis);
        }
        return java.util.Arrays.toString(index);
    }

    /** What the session does with NaN in an input. */
    public NanInputs nanInputs() {
        return nanInputs;
    }

    /** Whether every context made so far replays a captured program (no graph per call). */
    public boolean replays() {
        for (Context context : all) {
            if (context.program == null) {
                return false;
            }
        }
        return true;
    }

    /** Execution contexts made so far (one per concurrent caller at most). */
    public int contexts() {
        return all.size();
    }

    /** Frees every context's compiled operations; the model stays the caller's. */
    @Override
    public void close() {
        closed = true;
        Context context;
        fusion.close();
        while ((context = all.poll()) != null) {
            context.close();
        }
        idle.clear();
    }
}
