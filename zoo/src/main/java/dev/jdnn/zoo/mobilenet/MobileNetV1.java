package dev.jdnn.zoo.mobilenet;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.nn.Linear;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.nn.ReLU;
import dev.jdnn.engine.nn.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * MobileNet (Howard et al. 2017, Table 1): a full 3×3 convolution with stride 2, thirteen depthwise separable layers
 * (3×3 depthwise + BN + ReLU, then 1×1 pointwise + BN + ReLU), global average pooling and the classifier {@code fc}.
 * The width multiplier α thins every layer to {@code α·M} channels; the resolution multiplier ρ only changes the input
 * size (224·ρ), which the registry records. torchvision has no MobileNet v1: the names ({@code features.0} the first
 * convolution, {@code features.1…13} the separable layers with {@code depthwise} and {@code pointwise}, each a
 * conv/BN/ReLU {@code Sequential}) follow its later MobileNets.
 */
public final class MobileNetV1 extends Module {

    /** One depthwise separable layer of Table 1: its pointwise output channels (at α = 1) and its depthwise stride. */
    public record Layer(int channels, int stride) {
    }

    /** @param widthMultiplier α in (0, 1]; every channel count times α must be a whole number. */
    public record Config(double widthMultiplier, int firstChannels, List<Layer> layers, int resolution) {
    }

    /** Table 1 (the paper's second-to-last depthwise layer has stride 1; its "s2" is a typo: 7×7 in, 7×7 out). */
    public static final List<Layer> TABLE_1 = List.of(
            new Layer(64, 1), new Layer(128, 2), new Layer(128, 1), new Layer(256, 2), new Layer(256, 1),
            new Layer(512, 2), new Layer(512, 1), new Layer(512, 1), new Layer(512, 1), new Layer(512, 1),
            new Layer(512, 1), new Layer(1024, 2), new Layer(1024, 1));

    /** α and input size 224·ρ with Table 1's layers. */
    public static Config config(double widthMultiplier, int resolution) {
        return new Config(widthMultiplier, 32, TABLE_1, resolution);
    }

    /** A depthwise separable convolution: {@code depthwise} (3×3, groups = channels) then {@code pointwise} (1×1). */
    static final class DepthwiseSeparable extends Module {

        private final Module depthwise;
        private final Module pointwise;

        DepthwiseSeparable(int inChannels, int outChannels, int stride) {
            this.depthwise = child("depthwise", ConvNormActivation.of(inChannels, inChannels, 3, stride, inChannels,
                    NormLayer.DEFAULT, ReLU::new));
            this.pointwise = child("pointwise", ConvNormActivation.of(inChannels, outChannels, 1, 1, 1,
                    NormLayer.DEFAULT, ReLU::new));
        }

        @Override
        protected Variable forward(Graph graph, Variable x) {
            return pointwise.call(graph, depthwise.call(graph, x));
        }
    }

    private final Sequential features;
    private final Linear fc;

    public MobileNetV1(Config config, int numClasses) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("MobileNetV1: num_classes must be positive, got " + numClasses);
        }
        int channels = thinned(config.firstChannels(), config.widthMultiplier());
        List<Module> layers = new ArrayList<>();
        layers.add(ConvNormActivation.of(3, channels, 3, 2, 1, NormLayer.DEFAULT, ReLU::new));
        for (Layer layer : config.layers()) {
            int out = thinned(layer.channels(), config.widthMultiplier());
            layers.add(new DepthwiseSeparable(channels, out, layer.stride()));
            channels = out;
        }
        this.features = child("features", new Sequential(layers));
        this.fc = child("fc", new Linear(channels, numClasses));
    }

    private static int thinned(int channels, double alpha) {
        double thin = channels * alpha;
        if (!(alpha > 0 && alpha <= 1) || thin != Math.rint(thin)) {
            throw new IllegalArgumentException("MobileNetV1: width multiplier " + alpha + " must be in (0, 1] and give"
                    + " whole channel counts, got " + thin + " for " + channels);
        }
        return (int) thin;
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        Variable y = Functional.adaptiveAvgPool2d(features.call(graph, x), 1, 1);
        return fc.call(graph, Functional.flatten(y, 1));
    }
}
