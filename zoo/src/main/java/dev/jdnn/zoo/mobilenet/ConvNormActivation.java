package dev.jdnn.zoo.mobilenet;

import dev.jdnn.engine.nn.Conv2d;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.nn.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * torchvision's {@code Conv2dNormActivation}: a bias-free convolution with "same" padding ({@code (k − 1) / 2}), a batch
 * norm and an activation, as a {@code Sequential} named {@code 0, 1, 2} (without the {@code 2} when the activation is
 * {@code null}).
 */
public final class ConvNormActivation {

    private ConvNormActivation() {
    }

    /**
     * @param activation the activation layer, or {@code null} for none (a linear bottleneck)
     */
    public static Sequential of(int inChannels, int outChannels, int kernelSize, int stride, int groups, NormLayer norm,
                                Supplier<? extends Module> activation) {
        List<Module> layers = new ArrayList<>(List.of(
                new Conv2d(inChannels, outChannels, kernelSize, stride, (kernelSize - 1) / 2, groups, false),
                norm.create(outChannels)));
        if (activation != null) {
            layers.add(activation.get());
        }
        return new Sequential(layers);
    }
}
