package dev.jdnn.zoo.mobilenet;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.nn.AdaptiveAvgPool2d;
import dev.jdnn.engine.nn.Conv2d;
import dev.jdnn.engine.nn.Module;
import java.util.function.Supplier;

/**
 * torchvision's {@code ops.SqueezeExcitation} (Hu et al. 2018): global average pool, 1×1 convolution {@code fc1} down to
 * {@code squeezeChannels}, {@code activation}, 1×1 convolution {@code fc2} back, {@code scale_activation}, and the input
 * scaled per channel by the result.
 */
public final class SqueezeExcitation extends Module {

    private final Module avgpool;
    private final Module fc1;
    private final Module fc2;
    private final Module activation;
    private final Module scaleActivation;

    public SqueezeExcitation(int inputChannels, int squeezeChannels, Supplier<? extends Module> activation,
                             Supplier<? extends Module> scaleActivation) {
        this.avgpool = child("avgpool", new AdaptiveAvgPool2d(1, 1));
        this.fc1 = child("fc1", new Conv2d(inputChannels, squeezeChannels, 1, 1, 0));
        this.fc2 = child("fc2", new Conv2d(squeezeChannels, inputChannels, 1, 1, 0));
        this.activation = child("activation", activation.get());
        this.scaleActivation = child("scale_activation", scaleActivation.get());
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        Variable scale = avgpool.call(graph, x);
        scale = scaleActivation.call(graph, fc2.call(graph, activation.call(graph, fc1.call(graph, scale))));
        return Functional.channelScale(x, scale);
    }
}
