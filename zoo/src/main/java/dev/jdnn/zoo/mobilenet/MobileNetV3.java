package dev.jdnn.zoo.mobilenet;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.nn.AdaptiveAvgPool2d;
import dev.jdnn.engine.nn.Dropout;
import dev.jdnn.engine.nn.Hardsigmoid;
import dev.jdnn.engine.nn.Hardswish;
import dev.jdnn.engine.nn.Linear;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.nn.ReLU;
import dev.jdnn.engine.nn.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * MobileNetV3 (Howard et al. 2019) as torchvision's {@code MobileNetV3}: a 3×3 stride-2 convolution with Hardswish,
 * the bneck table's inverted residuals (optional squeeze-and-excitation with a Hardsigmoid gate, ReLU or Hardswish),
 * a 1×1 convolution to six times the last width, average pooling and {@code classifier} = linear, Hardswish, dropout,
 * linear. Batch norm eps 1e-3, momentum 0.01.
 */
public final class MobileNetV3 extends Module {

    /**
     * One bneck row as torchvision's {@code InvertedResidualConfig} (dilation 1), channels before the width multiplier.
     *
     * @param hardswish Hardswish ("HS") rather than ReLU ("RE")
     */
    public record Bneck(int inputChannels, int kernel, int expandedChannels, int outChannels, boolean squeezeExcite,
                       boolean hardswish, int stride) {
    }

    public record Config(List<Bneck> rows, int lastChannel, double widthMult, double dropout) {
    }

    private static Bneck re(int in, int k, int exp, int out, boolean se, int s) {
        return new Bneck(in, k, exp, out, se, false, s);
    }

    private static Bneck hs(int in, int k, int exp, int out, boolean se, int s) {
        return new Bneck(in, k, exp, out, se, true, s);
    }

    /** torchvision's {@code _mobilenet_v3_conf("mobilenet_v3_large")} (the paper's Table 1). */
    public static final Config LARGE = new Config(List.of(
            re(16, 3, 16, 16, false, 1), re(16, 3, 64, 24, false, 2), re(24, 3, 72, 24, false, 1),
            re(24, 5, 72, 40, true, 2), re(40, 5, 120, 40, true, 1), re(40, 5, 120, 40, true, 1),
            hs(40, 3, 240, 80, false, 2), hs(80, 3, 200, 80, false, 1), hs(80, 3, 184, 80, false, 1),
            hs(80, 3, 184, 80, false, 1), hs(80, 3, 480, 112, true, 1), hs(112, 3, 672, 112, true, 1),
            hs(112, 5, 672, 160, true, 2), hs(160, 5, 960, 160, true, 1), hs(160, 5, 960, 160, true, 1)),
            1280, 1.0, 0.2);

    /** torchvision's {@code _mobilenet_v3_conf("mobilenet_v3_small")} (the paper's Table 2). */
    public static final Config SMALL = new Config(List.of(
            re(16, 3, 16, 16, true, 2), re(16, 3, 72, 24, false, 2), re(24, 3, 88, 24, false, 1),
            hs(24, 5, 96, 40, true, 2), hs(40, 5, 240, 40, true, 1), hs(40, 5, 240, 40, true, 1),
            hs(40, 5, 120, 48, true, 1), hs(48, 5, 144, 48, true, 1), hs(48, 5, 288, 96, true, 2),
            hs(96, 5, 576, 96, true, 1), hs(96, 5, 576, 96, true, 1)),
            1024, 1.0, 0.2);

    private static final NormLayer NORM = NormLayer.EPS_1E3_MOMENTUM_1E2;

    /** Expansion 1×1 (when wider), depthwise k×k, optional SE, linear projection 1×1; residual when shapes allow. */
    static final class InvertedResidual extends Module {

        private final Sequential block;
        private final boolean useResConnect;

        InvertedResidual(Bneck row, double widthMult) {
            int in = Channels.makeDivisible(row.inputChannels() * widthMult, 8);
            int expanded = Channels.makeDivisible(row.expandedChannels() * widthMult, 8);
            int out = Channels.makeDivisible(row.outChannels() * widthMult, 8);
            this.useResConnect = row.stride() == 1 && in == out;
            Supplier<Module> activation = row.hardswish() ? Hardswish::new : ReLU::new;
            List<Module> layers = new ArrayList<>();
            if (expanded != in) {
                layers.add(ConvNormActivation.of(in, expanded, 1, 1, 1, NORM, activation));
            }
            layers.add(ConvNormActivation.of(expanded, expanded, row.kernel(), row.stride(), expanded, NORM,
                    activation));
            if (row.squeezeExcite()) {
                layers.add(new SqueezeExcitation(expanded, Channels.makeDivisible(expanded / 4, 8), ReLU::new,
                        Hardsigmoid::new));
            }
            layers.add(ConvNormActivation.of(expanded, out, 1, 1, 1, NORM, null));
            this.block = child("block", new Sequential(layers));
        }

        @Override
        protected Variable forward(Graph graph, Variable x) {
            Variable y = block.call(graph, x);
            return useResConnect ? Functional.add(y, x) : y;
        }
    }

    private final Sequential features;
    private final Module avgpool;
    private final Sequential classifier;

    public MobileNetV3(Config config, int numClasses) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("MobileNetV3: num_classes must be positive, got " + numClasses);
        }
        double width = config.widthMult();
        List<Module> layers = new ArrayList<>();
        int first = Channels.makeDivisible(config.rows().getFirst().inputChannels() * width, 8);
        layers.add(ConvNormActivation.of(3, first, 3, 2, 1, NORM, Hardswish::new));
        for (Bneck row : config.rows()) {
            layers.add(new InvertedResidual(row, width));
        }
        int lastIn = Channels.makeDivisible(config.rows().getLast().outChannels() * width, 8);
        int lastOut = 6 * lastIn;
        layers.add(ConvNormActivation.of(lastIn, lastOut, 1, 1, 1, NORM, Hardswish::new));
        int lastChannel = Channels.makeDivisible(config.lastChannel() * width, 8);
        this.features = child("features", new Sequential(layers));
        this.avgpool = child("avgpool", new AdaptiveAvgPool2d(1, 1));
        this.classifier = child("classifier", new Sequential(new Linear(lastOut, lastChannel), new Hardswish(),
                new Dropout(config.dropout()), new Linear(lastChannel, numClasses)));
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        Variable y = avgpool.call(graph, features.call(graph, x));
        return classifier.call(graph, Functional.flatten(y, 1));
    }
}
