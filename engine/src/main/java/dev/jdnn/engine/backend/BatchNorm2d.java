package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.Tensor;

/**
 * A 2-D batch normalization compiled for one {@link BatchNormSpec}, as PyTorch's {@code BatchNorm2d} with an affine
 * {@code weight} (γ) and {@code bias} (β). Input, output and their gradients are {@code (N, C, H, W)} plain NCHW f32;
 * every per-channel tensor is {@code (C)}. Owned by the {@link Backend} that compiled it; one thread at a time.
 *
 * <p>Outputs must not overlap any argument, except that {@link #forwardInference} may run in place
 * ({@code output == input}). Backward overwrites its three outputs.
 */
public interface BatchNorm2d {

    BatchNormSpec spec();

    /**
     * Inference (eval mode): {@code y = (x - runningMean[c]) / sqrt(runningVar[c] + ε) * weight[c] + bias[c]}.
     * {@code output} may be {@code input} itself (in place).
     */
    void forwardInference(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                          Tensor output);

    /**
     * Training mode: the same map with the batch's statistics over {@code (N, H, W)}, which it writes to
     * {@code saveMean} and {@code saveVar} for {@link #backward}. {@code saveVar} is the biased variance (divided by
     * {@code N·H·W}), the one that normalizes; updating running statistics (momentum, unbiased variance) is the
     * layer's job. Fails, as PyTorch does, when {@code N·H·W == 1}.
     */
    void forwardTraining(Tensor input, Tensor weight, Tensor bias, Tensor output, Tensor saveMean, Tensor saveVar);

    /**
     * The training-mode gradients, from the forward input and the statistics {@link #forwardTraining} saved:
     * {@code gradBias[c] = Σ dY}, {@code gradWeight[c] = Σ dY·x̂} and
     * {@code gradInput = weight/σ · (dY - mean(dY) - x̂·mean(dY·x̂))}, with {@code σ = sqrt(saveVar + ε)},
     * {@code x̂ = (x - saveMean)/σ} and sums and means over {@code (N, H, W)}.
     */
    void backward(Tensor input, Tensor gradOutput, Tensor saveMean, Tensor saveVar, Tensor weight, Tensor gradInput,
                  Tensor gradWeight, Tensor gradBias);
}
