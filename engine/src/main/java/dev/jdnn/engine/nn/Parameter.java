package dev.jdnn.engine.nn;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.Objects;

/**
 * A trainable tensor of a module, with the gradient backward accumulates into it. Its name is the torchvision
 * state-dict key ({@code layer1.0.conv1.weight}) once the module tree has named it. The parameter owns both tensors;
 * {@link #close()} frees them.
 *
 * <p>A parameter of a shape-only model ({@link #shapeOnly}) has a shape but no memory: tracing counts it without
 * allocating it.
 */
public final class Parameter implements AutoCloseable {

    private final Shape shape;
    private final Tensor value; // null when shape-only
    private Tensor grad;        // allocated by the first backward that reaches it, then kept
    private boolean gradFresh = true; // no gradient since the last zeroGrad: grad() is null, the memory is reused
    private String name;

    private Parameter(Shape shape, Tensor value) {
        this.shape = shape;
        this.value = value;
    }

    /** A zero-filled parameter of {@code shape} (initializers fill it). */
    public static Parameter zeros(Shape shape) {
        return new Parameter(shape, Tensor.allocate(shape, DType.F32));
    }

    /** A parameter with a shape and no memory, for tracing. */
    public static Parameter shapeOnly(Shape shape) {
        return new Parameter(Objects.requireNonNull(shape, "parameter shape"), null);
    }

    public Shape shape() {
        return shape;
    }

    /** Elements of the parameter. */
    public long elementCount() {
        return shape.elementCount();
    }

    /** Whether this parameter has memory (it has none in a shape-only model). */
    public boolean hasValue() {
        return value != null;
    }

    /** The values; fails for a shape-only parameter. */
    public Tensor value() {
        if (value == null) {
            throw new IllegalStateException("parameter " + describe() + " is shape-only: it has no values");
        }
        return value;
    }

    /**
     * The gradient accumulated since the last {@link #zeroGrad()}, or {@code null} when no backward reached this
     * parameter since then (PyTorch's {@code set_to_none}: optimizers skip it).
     */
    public Tensor grad() {
        return gradFresh ? null : grad;
    }

    /** The gradient's memory, allocated on first use (its contents are undefined while {@link #grad()} is null). */
    public Tensor gradOrAllocate() {
        if (grad == null) {
            grad = Tensor.allocate(shape, DType.F32);
        }
        return grad;
    }

    /**
     * Whether the next gradient contribution is the first since {@link #zeroGrad()} (it may then overwrite the memory
     * instead of adding to it); marks the gradient as present.
     */
    public boolean takeFreshGrad() {
        boolean fresh = gradFresh;
        gradFresh = false;
        return fresh;
    }

    /** Forgets the gradient ({@link #grad()} becomes null); its memory is kept for the next backward. */
    public void zeroGrad() {
        gradFresh = true;
    }

    /** The state-dict key, or {@code null} before the module tree named it. */
    public String name() {
        return name;
    }

    /** Names this parameter (done once, by the module tree). */
    public void name(String stateDictKey) {
        this.name = Objects.requireNonNull(stateDictKey, "parameter name");
    }

    private String describe() {
        return (name == null ? "(unnamed)" : name) + " " + shape;
    }

    @Override
    public void close() {
        if (value != null) {
            value.close();
        }
        if (grad != null) {
            grad.close();
        }
    }

    @Override
    public String toString() {
        return "Parameter " + describe();
    }
}
