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
    private Tensor grad;        // allocated by the first backward that reaches it
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

    /** The accumulated gradient, or {@code null} before the first backward reached this parameter. */
    public Tensor grad() {
        return grad;
    }

    /** The gradient, allocated (zero) on first use. */
    public Tensor gradOrAllocate() {
        if (grad == null) {
            grad = Tensor.allocate(shape, DType.F32);
        }
        return grad;
    }

    /** Sets the gradient to zero (keeps its memory). */
    public void zeroGrad() {
        if (grad != null) {
            grad.fill(0f);
        }
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
