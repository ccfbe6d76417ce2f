package dev.jdnn.engine.nn;

import dev.jdnn.engine.kernel.Activation;

/** {@code torch.nn.Hardswish}: {@code x · relu6(x + 3) / 6}. */
public final class Hardswish extends ElementwiseActivation {

    public Hardswish() {
        super(Activation.HARDSWISH);
    }
}
