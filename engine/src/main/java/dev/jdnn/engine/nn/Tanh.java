package dev.jdnn.engine.nn;

import dev.jdnn.engine.kernel.Activation;

/** {@code torch.nn.Tanh}: {@code tanh(x)}. */
public final class Tanh extends ElementwiseActivation {

    public Tanh() {
        super(Activation.TANH);
    }
}
