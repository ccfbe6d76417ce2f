package dev.jdnn.zoo.efficientnet;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.nn.AdaptiveAvgPool2d;
import dev.jdnn.engine.nn.Dropout;
import dev.jdnn.engine.nn.Linear;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.nn.SiLU;
import dev.jdnn.engine.nn.Sequential;
import dev.jdnn.engine.nn.Sigmoid;
import dev.jdnn.zoo.mobilenet.Channels;
import dev.jdnn.zoo.mobilenet.ConvNormActivation;
import dev.jdnn.zoo.mobilenet.NormLayer;
import dev.jdnn.zoo.mobilenet.SqueezeExcitation;
import java.util.ArrayList;
import java.util.List;

/**
 * EfficientNet (Tan and Le 2019) as torchvision's {@code EfficientNet}: a 3×3 stride-2 convolution, seven stages of
 * MBConv blocks from the base table scaled by the width and depth multipliers, a 1×1 convolution to four times the last
 * width, average pooling and {@code classifier} = dropout + linear; SiLU throughout, squeeze-and-excitation with a
 * sigmoid gate, and stochastic depth whose probability grows linearly from 0 to {@code stochasticDepthProb} over the
 * blocks.
 */
public final class EfficientNet extends Module {

    /** One row of the base table (B0), as torchvision's {@code MBConvConfig} before scaling. */
    public record Stage(int expandRatio, int kernel, int stride, int inputChannels, int outChannels, int layers) {
    }

    /**
     * @param widthMult  channel multiplier (β^φ, rounded as the paper's models)
     * @param depthMult  layer multiplier (α^φ)
     * @param dropout    of the classifier
     */
    public record Config(List<Stage> stages, double widthMult, double depthMult, double dropout,
                         double stochasticDepthProb, NormLayer norm) {
    }

    /** torchvision's {@code _efficientnet_conf("efficientnet_b*")} (the paper's Table 1). */
    public static final List<Stage> B0_TABLE = List.of(
            new Stage(1, 3, 1, 32, 16, 1), new Stage(6, 3, 2, 16, 24, 2), new Stage(6, 5, 2, 24, 40, 2),
            new Stage(6, 3, 2, 40, 80, 3), new Stage(6, 5, 1, 80, 112, 3), new Stage(6, 5, 2, 112, 192, 4),
            new Stage(6, 3, 1, 192, 320, 1));

    /** B0…B7's multipliers, dropout 0.2…0.5 and batch norm, as torchvision's builders. */
    public static Config b(double widthMult, double depthMult, double dropout, NormLayer norm) {
        return new Config(B0_TABLE, widthMult, depthMult, dropout, 0.2, norm);
    }

    /** Expansion 1×1 (unless t = 1), depthwise k×k, SE, linear projection; residual with stochastic depth. */
    static final class MBConv extends Module {

        private final Sequential block;
        private final StochasticDepth stochasticDepth;
        private final boolean useResConnect;

        MBConv(Stage stage, int in, int out, int stride, double stochasticDepthProb, NormLayer norm) {
            this.useResConnect = stride == 1 && in == out;
            int expanded = Channels.makeDivisible(in * (double) stage.expandRatio(), 8);
            List<Module> layers = new ArrayList<>();
            if (expanded != in) {
                layers.add(ConvNormActivation.of(in, expanded, 1, 1, 1, norm, SiLU::new));
            }
            layers.add(ConvNormActivation.of(expanded, expanded, stage.kernel(), stride, expanded, norm, SiLU::new));
            layers.add(new SqueezeExcitation(expanded, Math.max(1, in / 4), SiLU::new, Sigmoid::new));
            layers.add(ConvNormActivation.of(expanded, out, 1, 1, 1, norm, null));
            this.block = child("block", new Sequential(layers));
            this.stochasticDepth = child("stochastic_depth", new StochasticDepth(stochasticDepthProb));
        }

        @Override
        protected Variable forward(Graph graph, Variable x) {
            Variable y = block.call(graph, x);
            return useResConnect ? Functional.add(stochasticDepth.call(graph, y), x) : y;
        }
    }

    private final Sequential features;
    private final Module avgpool;
    private final Sequential classifier;

    public EfficientNet(Config config, int numClasses) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("EfficientNet: num_classes must be positive, got " + numClasses);
        }
        NormLayer norm = config.norm();
        List<Module> layers = new ArrayList<>();
        int first = width(config.stages().getFirst().inputChannels(), config);
        layers.add(ConvNormActivation.of(3, first, 3, 2, 1, norm, SiLU::new));
        int totalBlocks = 0;
        for (Stage stage : config.stages()) {
            totalBlocks += depth(stage, config);
        }
        int blockId = 0;
        for (Stage stage : config.stages()) {
            List<Module> blocks = new ArrayList<>();
            int in = width(stage.inputChannels(), config);
            int out = width(stage.outChannels(), config);
            for (int i = 0, n = depth(stage, config); i < n; i++, blockId++) {
                double p = config.stochasticDepthProb() * blockId / totalBlocks;
                blocks.add(new MBConv(stage, i == 0 ? in : out, out, i == 0 ? stage.stride() : 1, p, norm));
            }
            layers.add(new Sequential(blocks));
        }
        int lastIn = width(config.stages().getLast().outChannels(), config);
        int lastOut = 4 * lastIn;
        layers.add(ConvNormActivation.of(lastIn, lastOut, 1, 1, 1, norm, SiLU::new));
        this.features = child("features", new Sequential(layers));
        this.avgpool = child("avgpool", new AdaptiveAvgPool2d(1, 1));
        this.classifier = child("classifier", new Sequential(new Dropout(config.dropout()),
                new Linear(lastOut, numClasses)));
    }

    private static int width(int channels, Config config) {
        return Channels.makeDivisible(channels * config.widthMult(), 8);
    }

    private static int depth(Stage stage, Config config) {
        return (int) Math.ceil(stage.layers() * config.depthMult());
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        Variable y = avgpool.call(graph, features.call(graph, x));
        return classifier.call(graph, Functional.flatten(y, 1));
    }
}
