package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;

/**
 * A pooling compiled for one {@link Pool2dSpec}: plain NCHW f32 input {@code (N, C, H, W)} and output
 * {@code (N, C, OH, OW)}. Owned by the {@link Backend} that compiled it; one thread at a time.
 *
 * <p><b>Workspace.</b> Training needs to carry something from the forward pass to the backward pass (for max pooling,
 * where each output came from). The caller owns it: a {@link DType#S8} tensor of shape {@link #workspaceShape()}
 * (bytes), allocated once per operation ({@link #allocateWorkspace()}), written by {@link #forwardTraining} and read
 * by {@link #backward}. Its contents are opaque and belong to this operation: a workspace from another operation, or
 * from another backend, is not valid. Where nothing needs carrying (average pooling on both backends), the shape is
 * {@code null} and the workspace argument must be {@code null}: a shape cannot have a zero-length axis.
 */
public interface Pool2d {

    Pool2dSpec spec();

    /** {@code output = pool(input)} for inference: no workspace written. */
    void forward(Tensor input, Tensor output);

    /** {@code output = pool(input)}, and {@code workspace} filled for {@link #backward}. */
    void forwardTraining(Tensor input, Tensor output, Tensor workspace);

    /**
     * {@code gradInput} (overwritten, {@code (N, C, H, W)}) = the gradient of the pooling given {@code gradOutput}
     * {@code (N, C, OH, OW)} and the {@code workspace} of the {@link #forwardTraining} call whose output it
     * differentiates.
     */
    void backward(Tensor gradOutput, Tensor workspace, Tensor gradInput);

    /** The shape {@code (bytes)} of the {@link DType#S8} workspace, or {@code null} when this operation needs none. */
    Shape workspaceShape();

    /** A new workspace for this operation (the caller closes it), or {@code null} when it needs none. */
    default Tensor allocateWorkspace() {
        Shape shape = workspaceShape();
        return shape == null ? null : Tensor.allocate(shape, DType.S8);
    }
}
