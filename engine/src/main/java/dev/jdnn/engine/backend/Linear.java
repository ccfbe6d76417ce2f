package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.Tensor;

/**
 * A fully connected layer compiled for one {@link LinearSpec}, as {@code torch.nn.Linear}: f32, plain row-major
 * tensors, weight {@code (out, in)}. Owned by the {@link Backend} that compiled it; one thread at a time.
 *
 * <p>The input is rank 2, {@code (N, in)}: a convolutional feature map {@code (N, C, H, W)} is passed as its view
 * {@code x.flatten(1)} (no copy), as {@code torch.flatten(x, 1)} before a classifier; its gradient comes back in that
 * view. Outputs must not overlap inputs; backward operations overwrite their outputs.
 */
public interface Linear {

    LinearSpec spec();

    /**
     * {@code output (N, out) = input (N, in) · weightᵀ + bias}; {@code bias (out)} must be {@code null} exactly when
     * the spec has none.
     */
    void forward(Tensor input, Tensor weight, Tensor bias, Tensor output);

    /** {@code gradInput (N, in) = gradOutput (N, out) · weight (out, in)}. */
    void backwardData(Tensor gradOutput, Tensor weight, Tensor gradInput);

    /**
     * {@code gradWeight (out, in) = gradOutputᵀ · input} and {@code gradBias (out) = Σₙ gradOutput[n]};
     * {@code gradBias} must be {@code null} exactly when the spec has no bias.
     */
    void backwardWeights(Tensor input, Tensor gradOutput, Tensor gradWeight, Tensor gradBias);
}
