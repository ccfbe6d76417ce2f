package dev.jdnn.engine.autograd;

import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.TensorFormat;
import dev.jdnn.engine.nn.Parameter;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One forward (and backward) pass: the tape of ops recorded while a model's forward runs, the backend that computes
 * them, and every tensor the pass allocates (from a {@link TensorCache} when given one, so that repeated passes reuse
 * memory). {@link #backward} walks the tape in reverse: each op adds its inputs'
 * gradients, then what it saved and its output are freed at once (unless retained). {@link #close()} frees whatever
 * is left. Parameters' values and gradients belong to their modules, never to the graph.
 *
 * <p>A graph records nothing while {@link Autograd#isGradEnabled()} is false (inference), and a shape-only graph
 * ({@link #shapeOnly}) computes no values at all: its ops only propagate shapes and report each layer to a
 * {@link Trace} (output shape, parameters, multiply-accumulates), which is how a model's structure is read without
 * allocating it. One graph is used by one thread.
 */
public final class Graph implements AutoCloseable {

    /** Whether inference passes keep activations channels-last where the backend prefers it (see activationFormat). */
    private static final boolean CHANNELS_LAST =
            Boolean.parseBoolean(System.getProperty("jdnn.channelsLast", "true"));

    private final Backend backend;    // null when shape-only
    private final TensorCache cache;  // where tensors come from and go back to, or null (allocate and free)
    private final Trace trace;        // non-null when shape-only
    private final List<Node> tape = new ArrayList<>();
    private final Set<Tensor> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    private final ArrayDeque<String> scopes = new ArrayDeque<>();
    private boolean backwardDone;
    private boolean closed;
    private final LifetimePlan plan;  // inference passes: when to give activations back, or null
    private final FusionCache fusion; // inference passes: folded and prepared convolutions, or null (no fusion)
    private final List<Variable> planned = new ArrayList<>(); // outputs in creation order, when planning
    private int[] lastUse = new int[64]; // per planned output: the op index of its last reader (learning pass)
    private int opIndex = -1;         // ops (outputs) made so far in this pass, minus one
    private List<Runnable> captured;  // the computations of this pass, in order, when capturing; else null
    private String uncapturable;      // why this pass's computations cannot be replayed, or null
    private long seed;        // of the random ops (dropout) of this pass
    private long randomCalls; // random ops run so far in this pass

    private Graph(Backend backend, Trace trace, TensorCache cache, LifetimePlan plan, FusionCache fusion) {
        this.backend = backend;
        this.trace = trace;
        this.cache = cache;
        this.plan = plan;
        this.fusion = fusion;
    }

    /** A graph that computes on {@code backend} (and records for backward while gradients are enabled). */
    public static Graph on(Backend backend) {
        return new Graph(Objects.requireNonNull(backend, "backend"), null, null, null, null);
    }

    /**
     * A graph on {@code backend} whose tensors come from {@code cache} and return to it (at {@link #free} and at
     * {@link #close()}): repeated passes of one shape then allocate nothing off-heap.
     */
    public static Graph on(Backend backend, TensorCache cache) {
        return new Graph(Objects.requireNonNull(backend, "backend"), null, Objects.requireNonNull(cache, "cache"),
                null, null);
    }

    /**
     * An inference graph (it must not record: run it under {@link Autograd#eval} or {@link Autograd#noGrad}) whose
     * activations go back to {@code cache} as soon as {@code plan} says their last reader has run. The first pass with
     * a new plan teaches it ({@link #completePass()}); every later pass of the same model and input shape follows it.
     */
    public static Graph on(Backend backend, TensorCache cache, LifetimePlan plan) {
        return new Graph(Objects.requireNonNull(backend, "backend"), null, Objects.requireNonNull(cache, "cache"),
                Objects.requireNonNull(plan, "plan"), null);
    }

    /**
     * {@link #on(Backend, TensorCache, LifetimePlan)} that also fuses while it runs: batch norms fold into the
     * convolutions before them, ReLUs and residual adds become convolution post-ops, and convolutions run prepared
     * (weights reordered or packed once, in {@code fusion}). Results differ from the unfused pass by rounding only.
     */
    public static Graph on(Backend backend, TensorCache cache, LifetimePlan plan, FusionCache fusion) {
        return new Graph(Objects.requireNonNull(backend, "backend"), null, Objects.requireNonNull(cache, "cache"),
                Objects.requireNonNull(plan, "plan"), Objects.requireNonNull(fusion, "fusion"));
    }

    /** Whether ops of this pass fuse (an inference graph with a fusion cache). */
    boolean fusing() {
        return fusion != null && backend != null && !recording();
    }

    FusionCache fusion() {
        return fusion;
    }

    /**
     * The layout activations should stay in between ops of this pass: NHWC for a fusing inference pass on a backend
     * that computes convolutions channels-last ({@link Backend#prefersChannelsLast()}), unless the system property
     * {@code jdnn.channelsLast} is {@code false}; NCHW otherwise. Ops that only see elements (activations, adds) keep
     * whichever layout their input holds; every other op reads NCHW ({@link Variable#value()} converts).
     */
    TensorFormat activationFormat() {
        return CHANNELS_LAST && fusing() && backend.prefersChannelsLast() ? TensorFormat.NHWC : TensorFormat.NCHW;
    }

    /**
     * The layout an element-wise op of this pass reads {@code x} in and writes its output in: the cheapest for a 4-D
     * value of an inference pass ({@link Variable#cheapestFormat}), NCHW otherwise.
     */
    TensorFormat elementwiseFormat(Variable x) {
        return x.shape().rank() == 4 && fusing() ? x.cheapestFormat(activationFormat()) : TensorFormat.NCHW;
    }

    /**
     * Makes this inference pass capture its computations: every op's work on tensors runs through {@link #compute},
     * which also records it, so that {@link #capturedProgram()} can replay the pass on the same memory without the
     * graph (what an inference session does after its first call per context). Returns this graph.
     */
    public Graph capture() {
        if (isShapeOnly() || fusion == null || plan == null) {
            throw new IllegalStateException("capture() is for fusing inference graphs (Graph.on(backend, cache, plan,"
                    + " fusion))");
        }
        captured = new ArrayList<>();
        return this;
    }

    /**
     * Runs {@code step}, one op's work on tensors fixed before it was made (it must read no graph state, so that
     * running it again recomputes the same op on whatever those tensors then hold), and records it when capturing.
     */
    void compute(Runnable step) {
        step.run();
        if (captured != null) {
            captured.add(step);
        }
    }

    /**
     * Notes that an op of this pass computed outside {@link #compute} (a training-only op, or one not made
     * replayable), so the pass cannot be replayed; {@code op} names it in {@link #uncapturableReason()}.
     */
    void computedOutsideCapture(String op) {
        if (captured != null && uncapturable == null) {
            uncapturable = op + " does not run its work through Graph.compute";
        }
    }

    /**
     * The computations of this capturing pass, in order: running them again, after the input tensor given to
     * {@link #input(Tensor)} has been overwritten, recomputes every value of the pass in the same memory (which stays
     * valid while the cache the graph took it from is neither used by another pass nor closed). Empty when this pass
     * did not capture or cannot be replayed ({@link #uncapturableReason()}).
     */
    public java.util.Optional<List<Runnable>> capturedProgram() {
        return captured == null || uncapturable != null ? java.util.Optional.empty()
                : java.util.Optional.of(List.copyOf(captured));
    }

    /** Why this capturing pass cannot be replayed, or {@code null}. */
    public String uncapturableReason() {
        return uncapturable;
    }

    /** A graph that only propagates shapes, reporting every layer to {@code trace}. */
    public static Graph shapeOnly(Trace trace) {
        return new Graph(null, Objects.requireNonNull(trace, "trace"), null, null, null);
    }

    /**
     * Seeds this pass's random ops: the k-th dropout of the pass draws its mask from {@code (seed, k)} only, so a
     * training step is reproducible whatever the thread count (the trainer derives the seed from the run's seed, the
     * epoch and the step). Returns this graph.
     */
    public Graph seeded(long seed) {
        this.seed = seed;
        this.randomCalls = 0;
        return this;
    }

    /** The seed of this pass's random ops. */
    long seed() {
        return seed;
    }

    /** The index of the next random op of this pass. */
    long nextRandomCall() {
        return randomCalls++;
    }

    /** Whether this graph computes no values. */
    public boolean isShapeOnly() {
        return backend == null;
    }

    /** The backend ops run on; fails for a shape-only graph. */
    public Backend backend() {
        if (backend == null) {
            throw new IllegalStateException("a shape-only graph has no backend");
        }
        return backend;
    }

    /** The trace of a shape-only graph, or {@code null}. */
    public Trace trace() {
        return trace;
    }

    /**
     * An input of the pass: {@code tensor} is the caller's (the graph neither copies nor frees it). No gradient is
     * computed for it.
     */
    public Variable input(Tensor tensor) {
        requireOpen();
        return new Variable(this, tensor.shape(), tensor, null, false);
    }

    /** An input of a shape-only graph: a shape, no memory. */
    public Variable input(Shape shape) {
        requireOpen();
        if (!isShapeOnly()) {
            throw new IllegalStateException("input(shape) is for shape-only graphs; pass a tensor");
        }
        return new Variable(this, shape, null, null, false);
    }

    /** The variable standing for {@code parameter} in this pass; its gradient accumulates into the parameter's. */
    public Variable parameter(Parameter parameter) {
        requireOpen();
        Tensor value = isShapeOnly() ? null : parameter.value();
        return new Variable(this, parameter.shape(), value, parameter, !isShapeOnly() && Autograd.isGradEnabled());
    }

    /** Whether ops of this pass record themselves for backward. */
    boolean recording() {
        return !isShapeOnly() && Autograd.isGradEnabled();
    }

    /** A new variable for an op's output, unless shape-only: memory the op must write whole (it may hold old values). */
    Variable output(Shape shape, boolean requiresGrad) {
        requireOpen();
        opIndex++;
        boolean planning = plan != null && !recording();
        if (planning && plan.learned()) {
            for (int index : plan.releasedWhen(opIndex)) {
                if (index < planned.size()) {
                    planned.get(index).releaseValue();
                }
            }
        }
        Variable output = new Variable(this, shape, isShapeOnly() ? null : allocate(shape), null,
                requiresGrad && recording());
        if (planning) {
            if (planned.size() == lastUse.length) {
                lastUse = java.util.Arrays.copyOf(lastUse, lastUse.length * 2);
            }
            lastUse[planned.size()] = -1;
            output.planIndex(planned.size());
            planned.add(output);
        }
        return output;
    }

    /** Notes that the current op reads {@code variable} (the learning pass of a plan). */
    void noteUse(Variable variable) {
        if (plan != null && !plan.learned() && variable.planIndex() >= 0) {
            lastUse[variable.planIndex()] = opIndex;
        }
    }

    /**
     * Ends a successful pass: a plan that was learning learns from it (a failed pass must not teach one). Call after
     * the caller has read the outputs it needs.
     */
    public void completePass() {
        if (plan != null && !plan.learned() && !recording()) {
            plan.learn(java.util.Arrays.copyOf(lastUse, planned.size()), opIndex + 1);
        }
    }

    /**
     * A variable whose value is a view of another variable's memory ({@code reshape}, {@code flatten}): the graph does
     * not free it (the base's owner does), and the view is used only while its base is alive, which the reverse walk
     * guarantees.
     */
    Variable view(Variable base, Tensor view, boolean requiresGrad) {
        requireOpen();
        Variable variable = new Variable(this, view.shape(), view, null, requiresGrad && recording());
        variable.viewOf(base);
        return variable;
    }

    /** Whether any of {@code inputs} needs a gradient (then the op's output does too). */
    static boolean anyRequiresGrad(List<Variable> inputs) {
        for (Variable input : inputs) {
            if (input.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /** Records {@code node} for backward if this pass records and its output needs a gradient. */
    void record(Node node) {
        if (recording() && node.output.requiresGrad()) {
            tape.add(node);
        } else {
            node.release();
        }
    }

    /** An f32 tensor this graph owns and frees at close (or earlier, through {@link #free}). */
    Tensor allocate(Shape shape) {
        return allocate(shape, DType.F32);
    }

    /** A tensor of {@code dtype} this graph owns. */
    Tensor allocate(Shape shape, DType dtype) {
        Tensor tensor = cache != null ? cache.take(shape, dtype) : Tensor.allocate(shape, dtype);
        owned.add(tensor);
        return tensor;
    }

    /** Frees a tensor this graph owns now (back to the cache, if the graph has one). */
    void free(Tensor tensor) {
        if (tensor != null && owned.remove(tensor)) {
            release(tensor);
        }
    }

    private void release(Tensor tensor) {
        if (cache != null) {
            cache.give(tensor);
        } else {
            tensor.close();
        }
    }

    /**
     * Reports a layer to the trace of a shape-only graph (does nothing otherwise): {@code parameters} are the
     * parameter variables the op reads (each counted once per pass), {@code macs} its multiply-accumulates.
     */
    void traceLayer(String op, Shape output, long macs, Variable... parameters) {
        if (trace == null) {
            return;
        }
        List<Object> objects = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        for (Variable parameter : parameters) {
            if (parameter != null && parameter.parameter() != null) {
                objects.add(parameter.parameter());
                sizes.add(parameter.parameter().elementCount());
            }
        }
        trace.add(scopeName(), op, output, objects, sizes, macs);
    }

    /** Enters a named module scope (the trace's layer names follow it); {@link #exitScope} leaves it. */
    public void enterScope(String name) {
        scopes.addLast(name);
    }

    public void exitScope() {
        scopes.removeLast();
    }

    /** The dotted name of the current module scope ({@code layer1.0.conv1}), empty at the top. */
    public String scopeName() {
        return String.join(".", scopes);
    }

    /**
     * Backpropagates from {@code loss}, a single-element variable: d(loss)/d(loss) = 1, then every recorded op in
     * reverse order. Parameters' gradients accumulate (call the optimizer's {@code zeroGrad} between steps). Once per
     * graph.
     */
    public void backward(Variable loss) {
        backward(loss, 1f);
    }


    /** {@link #backward(Variable)} with d(total)/d(loss) = {@code scale} (a weighted sum of losses, loss scaling). */
    public void backward(Variable loss, float scale) {
        if (loss.shape().elementCount() != 1) {
            throw new IllegalArgumentException("backward: the loss must have one element, got shape " + loss.shape());
        }
        run(loss, grad -> grad.fill(scale));
    }

    /**
     * Backpropagates from any {@code output} given d(total)/d(output) ({@code gradient}, the output's shape), as
     * PyTorch's {@code output.backward(gradient)}: how a Jacobian-vector product is taken (gradient checks).
     */
    public void backward(Variable output, Tensor gradient) {
        gradient.shape().requireEqual(output.shape(), "backward: gradient of the output");
        run(output, grad -> grad.copyFrom(gradient));
    }

    private void run(Variable output, java.util.function.Consumer<Tensor> seed) {
        requireOpen();
        if (output.graph() != this) {
            throw new IllegalArgumentException("backward: the output belongs to another graph");
        }
        if (backwardDone) {
            throw new IllegalStateException("backward: this graph has already run backward (record a new pass)");
        }
        if (!output.requiresGrad()) {
            throw new IllegalStateException("backward: the output does not depend on anything that needs a gradient"
                    + " (was it computed with gradients disabled, or from inputs only?)");
        }
        backwardDone = true;
        output.accumulateGrad(seed);
        for (int i = tape.size() - 1; i >= 0; i--) {
            Node node = tape.get(i);
            Tensor gradOutput = node.output.ownGrad();
            if (gradOutput != null) {
                node.backward(gradOutput);
            }
            node.release();
            node.output.release();
            tape.set(i, null);
        }
        tape.clear();
    }

    /** Tensors this graph owns that are still allocated (for tests and leak checks). */
    public int liveTensors() {
        return owned.size();
    }

    /** Ops recorded and not yet backpropagated. */
    public int recordedOps() {
        return tape.size();
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this graph was closed");
        }
    }

    /** Frees every tensor the pass allocated that is still alive, retained values included. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Node node : tape) {
            if (node != null) {
                node.release();
            }
        }
        tape.clear();
        for (Tensor tensor : owned) {
            release(tensor);
        }
        owned.clear();
    }
}
