package dev.jdnn.zoo.densenet;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.nn.AvgPool2d;
import dev.jdnn.engine.nn.BatchNorm2d;
import dev.jdnn.engine.nn.Conv2d;
import dev.jdnn.engine.nn.Linear;
import dev.jdnn.engine.nn.MaxPool2d;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.nn.ReLU;
import dev.jdnn.engine.nn.Sequential;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DenseNet-BC (Huang et al. 2017) as torchvision defines it: a 7×7 stem, dense blocks whose layers each see the
 * concatenation of every earlier feature map of the block (BN, ReLU, 1×1 bottleneck conv to {@code bnSize·k}, BN,
 * ReLU, 3×3 conv to {@code k}), transitions halving channels and resolution (BN, ReLU, 1×1 conv, 2×2 average pool),
 * a final BN, ReLU, global average pooling and {@code classifier}. Names are torchvision's
 * ({@code features.denseblock1.denselayer1.norm1.weight}, {@code features.transition1.conv.weight}).
 */
public final class DenseNet extends Module {

    /**
     * @param growthRate         {@code k}: channels each dense layer adds
     * @param blockConfig        dense layers per block
     * @param numInitFeatures    channels of the stem convolution
     * @param bnSize             bottleneck width as a multiple of {@code k}
     */
    public record Config(int growthRate, List<Integer> blockConfig, int numInitFeatures, int bnSize) {
        public Config {
            blockConfig = List.copyOf(blockConfig);
        }
    }

    public static final Config DENSENET121 = new Config(32, List.of(6, 12, 24, 16), 64, 4);
    public static final Config DENSENET169 = new Config(32, List.of(6, 12, 32, 32), 64, 4);
    public static final Config DENSENET201 = new Config(32, List.of(6, 12, 48, 32), 64, 4);

    private final Sequential features;
    private final Linear classifier;

    public DenseNet(Config config, int numClasses) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("DenseNet: num_classes must be positive, got " + numClasses);
        }
        Map<String, Module> layers = new LinkedHashMap<>();
        layers.put("conv0", new Conv2d(3, config.numInitFeatures(), 7, 2, 3, 1, false));
        layers.put("norm0", new BatchNorm2d(config.numInitFeatures()));
        layers.put("relu0", new ReLU());
        layers.put("pool0", new MaxPool2d(3, 2, 1, false));
        int channels = config.numInitFeatures();
        List<Integer> blocks = config.blockConfig();
        for (int i = 0; i < blocks.size(); i++) {
            layers.put("denseblock" + (i + 1), new DenseBlock(blocks.get(i), channels, config));
            channels += blocks.get(i) * config.growthRate();
            if (i != blocks.size() - 1) {
                layers.put("transition" + (i + 1), transition(channels, channels / 2));
                channels /= 2;
            }
        }
        layers.put("norm5", new BatchNorm2d(channels));
        this.features = child("features", new Sequential(layers));
        this.classifier = child("classifier", new Linear(channels, numClasses));
    }

    private static Sequential transition(int inChannels, int outChannels) {
        Map<String, Module> layers = new LinkedHashMap<>();
        layers.put("norm", new BatchNorm2d(inChannels));
        layers.put("relu", new ReLU());
        layers.put("conv", new Conv2d(inChannels, outChannels, 1, 1, 0, 1, false));
        layers.put("pool", new AvgPool2d(2, 2));
        return new Sequential(layers);
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        Variable out = Functional.relu(features.call(graph, x));
        out = Functional.flatten(Functional.adaptiveAvgPool2d(out, 1, 1), 1);
        return classifier.call(graph, out);
    }

    /** {@code denselayer1 ... denselayerN}; returns the block input and every layer's new features, concatenated. */
    static final class DenseBlock extends Module {

        private final List<DenseLayer> layers = new ArrayList<>();

        DenseBlock(int numLayers, int inChannels, Config config) {
            for (int i = 0; i < numLayers; i++) {
                layers.add(child("denselayer" + (i + 1),
                        new DenseLayer(inChannels + i * config.growthRate(), config.growthRate(), config.bnSize())));
            }
        }

        @Override
        protected Variable forward(Graph graph, Variable x) {
            List<Variable> features = new ArrayList<>(List.of(x));
            for (DenseLayer layer : layers) {
                Variable input = features.size() == 1 ? x : Functional.concat(features, 1);
                features.add(layer.call(graph, input));
            }
            return Functional.concat(features, 1);
        }
    }

    /**
     * BN, ReLU, 1×1 conv to {@code bnSize·k}; BN, ReLU, 3×3 conv to {@code k}; on the block's concatenated features.
     * The layers are this module's own children ({@code norm1 ... conv2}), as torchvision's.
     */
    static final class DenseLayer extends Module {

        DenseLayer(int inChannels, int growthRate, int bnSize) {
            int bottleneck = bnSize * growthRate;
            child("norm1", new BatchNorm2d(inChannels));
            child("relu1", new ReLU());
            child("conv1", new Conv2d(inChannels, bottleneck, 1, 1, 0, 1, false));
            child("norm2", new BatchNorm2d(bottleneck));
            child("relu2", new ReLU());
            child("conv2", new Conv2d(bottleneck, growthRate, 3, 1, 1, 1, false));
        }

        @Override
        protected Variable forward(Graph graph, Variable x) {
            Variable y = x;
            for (Module layer : children().values()) {
                y = layer.call(graph, y);
            }
            return y;
        }
    }
}
