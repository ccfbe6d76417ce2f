package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.Tensor;

/**
 * A convolution compiled for one {@link Conv2dSpec}: run it many times on tensors of the spec's shapes (plain NCHW
 * f32, weights {@code (OC, C/groups, KH, KW)}). Owned by the {@link Backend} that compiled it; one thread at a time.
 */
public interface Conv2dForward {

    Conv2dSpec spec();

    /**
     * {@code output = postOp(conv(input, weight) + bias)}; {@code bias} must be {@code null} exactly when the spec has
     * none. Shapes are checked against the spec, with messages that name the argument.
     */
    void run(Tensor input, Tensor weight, Tensor bias, Tensor output);

    /**
     * Copies {@code weight} (and {@code bias}, {@code null} exactly when the spec has none) into the backend's own
     * layout once, for runs that skip converting them: {@link PreparedConv2d#run} gives the same result as
     * {@link #run} on the same weights, bit for bit.
     */
    PreparedConv2d prepare(Tensor weight, Tensor bias);
}
