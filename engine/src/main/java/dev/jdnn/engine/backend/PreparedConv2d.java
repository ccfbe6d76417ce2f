package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.Tensor;

/**
 * A convolution with its weights and bias prepared once, for many runs on the same weights: what an inference
 * session holds per layer. The weights are copied at preparation into the layout the backend computes with (oneDNN's
 * blocked layout, or the Java path's packed GEMM panels), so the tensors given to {@link Conv2dForward#prepare} may
 * change or be closed afterwards without effect.
 *
 * <p>The caller owns it and must {@link #close()} it. It runs on its backend's compiled convolution: one thread at a
 * time per backend, and not after the backend closed.
 */
public interface PreparedConv2d extends AutoCloseable {

    Conv2dSpec spec();

    /** {@code output = postOp(conv(input, preparedWeight) + preparedBias)}; shapes are checked against the spec. */
    void run(Tensor input, Tensor output);

    /** Frees the prepared copies; idempotent. */
    @Override
    void close();
}
