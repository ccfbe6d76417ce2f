package dev.jdnn.engine.nn;

import dev.jdnn.engine.kernel.Activation;

/** {@code torch.nn.Hardsigmoid}: {@code relu6(x + 3) / 6}. */
public final class Hardsigmoid extends ElementwiseActivation {

    public Hardsigmoid() {
        super(Activation.HARDSIGMOID);
    }
}
