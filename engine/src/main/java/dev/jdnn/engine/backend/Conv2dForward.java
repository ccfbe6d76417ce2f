package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.Tensor;

/**
 * A convolution compiled for one {@link Conv2dSpec}: run it many times on tensors of the spec's shapes (plain NCHW
 * f32, weights {@code (OC, C/groups, KH, KW)}). Safe to call from one thread at a time; {@link #close()} frees what
 * the backend holds for it.
 */
public interface Conv2dForward extends AutoCloseable {

    Conv2dSpec spec();

    /**
     * {@code output = postOp(conv(input, weight) + bias)}; {@code bias} must be {@code null} exactly when the spec has
     * none. Shapes are checked against the spec, with messages that name the argument.
     */
    void run(Tensor input, Tensor weight, Tensor bias, Tensor output);

    @Override
    void close();
}
