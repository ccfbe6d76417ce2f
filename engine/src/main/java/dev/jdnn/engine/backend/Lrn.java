package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;

/**
 * An LRN compiled for one {@link LrnSpec}; input, output and gradients are plain NCHW f32 tensors of the spec's input
 * shape. Owned by the {@link Backend} that compiled it; one thread at a time.
 *
 * <p>The workspace follows {@link Pool2d}'s contract: an {@link DType#S8} tensor of shape {@link #workspaceShape()}
 * written by {@link #forwardTraining} and read by {@link #backward}, or {@code null} where the shape is {@code null}
 * (the Java kernels recompute what they need from the input).
 */
public interface Lrn {

    LrnSpec spec();

    /** {@code output = lrn(input)} for inference. */
    void forward(Tensor input, Tensor output);

    /** {@code output = lrn(input)}, and {@code workspace} filled for {@link #backward}. */
    void forwardTraining(Tensor input, Tensor output, Tensor workspace);

    /**
     * {@code gradInput} (overwritten) = the gradient of the LRN at {@code input} given {@code gradOutput} and the
     * {@code workspace} of the {@link #forwardTraining} call on that input.
     */
    void backward(Tensor input, Tensor gradOutput, Tensor workspace, Tensor gradInput);

    /** The shape {@code (bytes)} of the {@link DType#S8} workspace, or {@code null} when this operation needs none. */
    Shape workspaceShape();

    /** A new workspace for this operation (the caller closes it), or {@code null} when it needs none. */
    default Tensor allocateWorkspace() {
        Shape shape = workspaceShape();
        return shape == null ? null : Tensor.allocate(shape, DType.S8);
    }
}
