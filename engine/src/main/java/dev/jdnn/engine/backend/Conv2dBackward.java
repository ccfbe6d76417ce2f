package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.Tensor;

/**
 * The two backward passes of a convolution compiled for one {@link Conv2dSpec}, in plain NCHW f32 with weights
 * {@code (OC, C/groups, KH, KW)}. Both overwrite their outputs (they never accumulate into them). Owned by the
 * {@link Backend} that compiled it; one thread at a time.
 *
 * <p>The spec's post-op must be {@link PostOp#NONE}: the backward of a fused post-op is the autograd's job (it runs
 * ReLU's backward on the output gradient first, and a sum's gradient is the output gradient itself). Compiling one
 * for another post-op fails with an {@link IllegalArgumentException}.
 */
public interface Conv2dBackward {

    Conv2dSpec spec();

    /**
     * {@code gradInput = ∂L/∂input} from {@code gradOutput = ∂L/∂output}: the adjoint of the convolution with
     * {@code weight}.
     *
     * @param gradOutput {@code (N, OC, OH, OW)}
     * @param weight     {@code (OC, C/groups, KH, KW)}
     * @param gradInput  {@code (N, C, H, W)}, overwritten
     */
    void backwardData(Tensor gradOutput, Tensor weight, Tensor gradInput);

    /**
     * {@code gradWeight = ∂L/∂weight} and, when the spec has a bias, {@code gradBias = ∂L/∂bias}, the sum of
     * {@code gradOutput} over N, OH and OW. {@code gradBias} must be {@code null} exactly when the spec has no bias.
     *
     * @param input      {@code (N, C, H, W)}, the forward input
     * @param gradOutput {@code (N, OC, OH, OW)}
     * @param gradWeight {@code (OC, C/groups, KH, KW)}, overwritten
     * @param gradBias   {@code (OC)}, overwritten; {@code null} without bias
     */
    void backwardWeights(Tensor input, Tensor gradOutput, Tensor gradWeight, Tensor gradBias);
}
