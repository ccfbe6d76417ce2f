package dev.jdnn.engine.nn;

import dev.jdnn.engine.kernel.Activation;

/** {@code torch.nn.Sigmoid}: {@code 1 / (1 + exp(−x))}. */
public final class Sigmoid extends ElementwiseActivation {

    public Sigmoid() {
        super(Activation.SIGMOID);
    }
}
