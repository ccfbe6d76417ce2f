package dev.jdnn.zoo.squeezenet;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.nn.Conv2d;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.nn.ReLU;
import java.util.List;

/**
 * SqueezeNet's Fire module: a 1×1 {@code squeeze} convolution, then {@code expand1x1} and {@code expand3x3}
 * (padding 1) side by side on its output, each with its ReLU, concatenated along channels.
 */
public final class Fire extends Module {

    private final Conv2d squeeze;
    private final ReLU squeezeActivation;
    private final Conv2d expand1x1;
    private final ReLU expand1x1Activation;
    private final Conv2d expand3x3;
    private final ReLU expand3x3Activation;

    public Fire(int inplanes, int squeezePlanes, int expand1x1Planes, int expand3x3Planes) {
        this.squeeze = child("squeeze", new Conv2d(inplanes, squeezePlanes, 1, 1, 0));
        this.squeezeActivation = child("squeeze_activation", new ReLU());
        this.expand1x1 = child("expand1x1", new Conv2d(squeezePlanes, expand1x1Planes, 1, 1, 0));
        this.expand1x1Activation = child("expand1x1_activation", new ReLU());
        this.expand3x3 = child("expand3x3", new Conv2d(squeezePlanes, expand3x3Planes, 3, 1, 1));
        this.expand3x3Activation = child("expand3x3_activation", new ReLU());
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        Variable s = squeezeActivation.call(graph, squeeze.call(graph, x));
        return Functional.concat(List.of(
                expand1x1Activation.call(graph, expand1x1.call(graph, s)),
                expand3x3Activation.call(graph, expand3x3.call(graph, s))), 1);
    }
}
