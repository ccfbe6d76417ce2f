package dev.jdnn.engine.nn;

import dev.jdnn.engine.kernel.Activation;

/** {@code torch.nn.ReLU}: {@code max(x, 0)}. */
public final class ReLU extends ElementwiseActivation {

    public ReLU() {
        super(Activation.RELU);
    }
}
