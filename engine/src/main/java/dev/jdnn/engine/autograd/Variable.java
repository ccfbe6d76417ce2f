package dev.jdnn.engine.autograd;

import dev.jdnn.engine.backend.Reorder;
import dev.jdnn.engine.backend.ReorderSpec;
import dev.jdnn.engine.backend.TensorFormat;
import dev.jdnn.engine.kernel.Activations;
import dev.jdnn.engine.nn.Parameter;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A value in a {@link Graph}: a tensor (none in a shape-only graph), the op that made it, and the gradient backward
 * accumulates into it. Variables are made by the graph ({@link Graph#input}, {@link Graph#parameter}) and by ops; the
 * graph owns their memory, except a parameter's, which its module owns.
 */
public final class Variable {

    private final Graph graph;
    private final Shape shape;
    private Tensor value;              // null in a shape-only graph, and after the graph released it
    private final Parameter parameter; // the module's parameter this leaf stands for, or null
    private final boolean requiresGrad;
    private Tensor grad;               // graph-owned gradient of a non-parameter, or null
    private boolean retained;
    private Variable viewOf;           // the variable whose memory this one's value views, or null
    private int planIndex = -1;        // position among the pass's planned outputs (LifetimePlan), or -1
    private Pending pending;           // an op (and what fused into it) not run yet, or null
    private TensorFormat format = TensorFormat.NCHW; // the layout value's memory holds (NHWC: inference passes only)
    private Tensor physical;           // value viewed in its physical NHWC shape when format is NHWC, else null
    private Tensor converted;          // graph-owned copy in the other layout, made for a reader wanting it, or null

    Variable(Graph graph, Shape shape, Tensor value, Parameter parameter, boolean requiresGrad) {
        this.graph = graph;
        this.shape = Objects.requireNonNull(shape, "shape");
        this.value = value;
        this.parameter = parameter;
        this.requiresGrad = requiresGrad;
    }

    public Graph graph() {
        return graph;
    }

    public Shape shape() {
        return shape;
    }

    /** {@code shape().dim(axis)}. */
    public int dim(int axis) {
        return shape.dim(axis);
    }

    /** The values, {@code (N, C, H, W)} for 4-D ones; fails in a shape-only graph or once released. */
    public Tensor value() {
        return valueIn(TensorFormat.NCHW);
    }

    /**
     * The values in layout {@code wanted} (a tensor of its physical shape): an op still pending runs, writing
     * the pass's activation layout ({@link Graph#activationFormat()}: what the next convolutions read without
     * conversion); a value held in another layout than {@code wanted} is converted once, the copy kept for later
     * readers until the value is released. Only 4-D values have an NHWC layout.
     */
    Tensor valueIn(TensorFormat wanted) {
        if (value == null) {
            throw new IllegalStateException(graph.isShapeOnly()
                    ? "a shape-only graph has no values (variable " + shape + ")"
                    : "variable " + shape + " was released (by backward, or by an inference pass's memory plan after"
                            + " its last reader); call retain() to keep it");
        }
        graph.noteUse(this);
        if (viewOf != null) {
            graph.noteUse(viewOf);
        }
        if (pending != null) {
            Pending op = pending;
            pending = null;
            TensorFormat layout = graph.activationFormat();
            holdIn(layout);
            op.run(graph, held(), layout);
        }
        if (format == wanted) {
            return held();
        }
        if (converted == null && (shape.dim(1) == 1 || shape.dim(2) * shape.dim(3) == 1)) {
            // one channel or one pixel per image: NCHW and NHWC are the same memory
            converted = held().reshape(wanted.physicalShape(shape).dims());
        }
        if (converted == null) {
            Tensor copy = graph.allocate(wanted.physicalShape(shape));
            Reorder reorder = graph.backend().reorder(new ReorderSpec(shape, format, DType.F32, wanted, DType.F32));
            Tensor from = held();
            graph.compute(() -> reorder.run(from, copy));
            converted = copy;
        }
        return converted;
    }

    /**
     * The layout a reader preferring {@code preferred} should ask for: {@code preferred} when reading in it costs no
     * conversion (a pending op writes the pass's layout; a converted copy may exist), else the layout held.
     */
    TensorFormat cheapestFormat(TensorFormat preferred) {
        return pending != null || format == preferred || converted != null ? preferred : format;
    }

    /**
     * The memory an op writes this output into, declaring it held in {@code layout} from now on (before any read).
     */
    Tensor writableIn(TensorFormat layout) {
        holdIn(layout);
        return held();
    }

    private void holdIn(TensorFormat layout) {
        format = layout;
        physical = layout == TensorFormat.NCHW ? null : value.reshape(layout.physicalShape(shape).dims());
    }

    private Tensor held() {
        return physical != null ? physical : value;
    }

    /** The convolution this value waits for, or {@code null}. */
    PendingConv pendingConv() {
        return pending instanceof PendingConv conv ? conv : null;
    }

    /** The batch norm this value waits for, or {@code null}. */
    PendingBatchNorm pendingBatchNorm() {
        return pending instanceof PendingBatchNorm batchNorm ? batchNorm : null;
    }

    /** Makes this value wait for {@code op}: it runs when the value is first read. */
    void defer(Pending op) {
        this.pending = op;
    }

    int planIndex() {
        return planIndex;
    }

    void planIndex(int index) {
        this.planIndex = index;
    }

    /** Gives this output's memory back now (an inference plan's release); a retained value stays. */
    void releaseValue() {
        if (!retained && value != null && parameter == null) {
            freeValue();
        }
    }

    private void freeValue() {
        graph.free(value);
        graph.free(converted);
        value = null;
        physical = null;
        converted = null;
    }

    /** Whether backward computes a gradient for this variable. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** The module parameter this variable stands for, or {@code null}. */
    public Parameter parameter() {
        return parameter;
    }

    /** The gradient backward computed: a parameter's accumulated gradient, or this graph's; {@code null} if none. */
    public Tensor grad() {
        return parameter != null ? parameter.grad() : grad;
    }

    /**
     * Keeps this variable's value through backward (for reading logits or the loss afterwards), and, for a view, the
     * value it views; returns it.
     */
    public Variable retain() {
        retained = true;
        if (viewOf != null) {
            viewOf.retain();
        }
        return this;
    }

    /** Marks this variable's value as a view of {@code base}'s memory (retaining one retains the other). */
    void viewOf(Variable base) {
        this.viewOf = base;
    }

    boolean isRetained() {
        return retained;
    }

    /**
     * Adds a gradient contribution: {@code write} fills the tensor it is given with the contribution, which lands in
     * the gradient directly when it is the first one (no copy), or is added to it otherwise.
     */
    void accumulateGrad(Consumer<Tensor> write) {
        if (!requiresGrad) {
            return;
        }
        if (parameter != null) {
            if (parameter.takeFreshGrad()) {
                write.accept(parameter.gradOrAllocate());
            } else {
                addInto(parameter.gradOrAllocate(), write);
            }
            return;
        }
        if (grad == null) {
            grad = graph.allocate(shape);
            write.accept(grad);
        } else {
            addInto(grad, write);
        }
    }

    private void addInto(Tensor target, Consumer<Tensor> write) {
        try (Tensor contribution = Tensor.allocate(shape, dev.jdnn.engine.tensor.DType.F32)) {
            write.accept(contribution);
            Activations.add(target, contribution, target);
        }
    }

    /** The graph-owned gradient, or {@code null}. */
    Tensor ownGrad() {
        return grad;
    }

    /** Frees the value and gradient this graph owns (never a parameter's). */
    void release() {
        if (parameter == null) {
            if (value != null && !retained) {
                freeValue();
            }
            if (grad != null) {
                graph.free(grad);
                grad = null;
            }
        }
    }

    @Override
    public String toString() {
        return "Variable" + shape + (parameter != null ? " " + parameter.name() : "");
    }
}
