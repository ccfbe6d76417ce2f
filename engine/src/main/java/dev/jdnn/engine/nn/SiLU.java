package dev.jdnn.engine.nn;

import dev.jdnn.engine.kernel.Activation;

/** {@code torch.nn.SiLU}: {@code x · sigmoid(x) (Swish)}. */
public final class SiLU extends ElementwiseActivation {

    public SiLU() {
        super(Activation.SILU);
    }
}
