package dev.jdnn.zoo.alexnet;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.nn.AdaptiveAvgPool2d;
import dev.jdnn.engine.nn.Conv2d;
import dev.jdnn.engine.nn.Dropout;
import dev.jdnn.engine.nn.Linear;
import dev.jdnn.engine.nn.LocalResponseNorm;
import dev.jdnn.engine.nn.MaxPool2d;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.nn.ReLU;
import dev.jdnn.engine.nn.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * AlexNet and its 2012–2013 relatives: five convolutions with ReLU, some followed by local response normalization and
 * overlapping 3×3 stride-2 max pooling, then {@code features} of 256 maps of 6×6 go through two hidden layers of 4096
 * units with dropout and the classifier. torchvision's names: {@code features.N}, {@code avgpool} (torchvision's
 * variant only), {@code classifier.N}.
 */
public final class AlexNet extends Module {

    /**
     * One convolution (always followed by a ReLU).
     *
     * @param normalized followed by local response normalization
     * @param pooled     followed by the max pooling
     */
    public record Conv(int outChannels, int kernelSize, int stride, int padding, int groups, boolean normalized,
                       boolean pooled) {
    }

    /**
     * @param convs              the five convolutions
     * @param pool               the max-pooling window (3×3 stride 2; ZFNet's rounds up)
     * @param normalizeAfterPool LRN after the pooling (ZFNet: ReLU, pool, normalize) rather than before it (AlexNet:
     *                           ReLU, normalize, pool)
     * @param adaptivePool       torchvision's {@code AdaptiveAvgPool2d((6, 6))} between features and classifier
     * @param dropoutFirst       torchvision's classifier (dropout before each hidden linear layer) rather than the
     *                           papers' (dropout on the outputs of the two hidden layers)
     */
    public record Config(List<Conv> convs, Window2d pool, boolean normalizeAfterPool, boolean adaptivePool,
                         boolean dropoutFirst) {
        public Config {
            convs = List.copyOf(convs);
            Objects.requireNonNull(pool, "pool");
        }
    }

    private static final Window2d OVERLAPPING = Window2d.square(3, 2, 0);

    /** torchvision's single-GPU AlexNet ("One weird trick", 2014): 64-192-384-256-256, no LRN, 224×224. */
    public static final Config TORCHVISION = new Config(List.of(
            new Conv(64, 11, 4, 2, 1, false, true),
            new Conv(192, 5, 1, 2, 1, false, true),
            new Conv(384, 3, 1, 1, 1, false, false),
            new Conv(256, 3, 1, 1, 1, false, false),
            new Conv(256, 3, 1, 1, 1, false, true)), OVERLAPPING, false, true, true);

    /**
     * Krizhevsky et al. 2012 on one device: 96-256-384-384-256 with the two-GPU split as groups of 2 (conv2, conv4,
     * conv5 see only their own GPU's half), LRN after conv1 and conv2, 227×227 input.
     */
    public static final Config PAPER = new Config(List.of(
            new Conv(96, 11, 4, 0, 1, true, true),
            new Conv(256, 5, 1, 2, 2, true, true),
            new Conv(384, 3, 1, 1, 1, false, false),
            new Conv(384, 3, 1, 1, 2, false, false),
            new Conv(256, 3, 1, 1, 2, false, true)), OVERLAPPING, false, false, false);

    /**
     * Zeiler and Fergus 2013, Figure 3: conv1 7×7 stride 2 (padding 1: 224 → 110), conv2 5×5 stride 2 (no padding:
     * 55 → 26), no grouping; pooling rounds up (110 → 55, 26 → 13, 13 → 6), then contrast normalization.
     */
    public static final Config ZFNET = new Config(List.of(
            new Conv(96, 7, 2, 1, 1, true, true),
            new Conv(256, 5, 2, 0, 1, true, true),
            new Conv(384, 3, 1, 1, 1, false, false),
            new Conv(384, 3, 1, 1, 1, false, false),
            new Conv(256, 3, 1, 1, 1, false, true)), OVERLAPPING.withCeilMode(true), true, false, false);

    private static final int POOLED_SIDE = 6;
    private static final int HIDDEN = 4096;
    private static final double DROPOUT = 0.5;

    private final Sequential features;
    private final AdaptiveAvgPool2d avgpool; // null unless torchvision's
    private final Sequential classifier;

    public AlexNet(Config config, int numClasses) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("AlexNet: num_classes must be positive, got " + numClasses);
        }
        List<Module> layers = new ArrayList<>();
        int inChannels = 3;
        for (Conv conv : config.convs()) {
            layers.add(new Conv2d(inChannels, conv.outChannels(), conv.kernelSize(), conv.stride(), conv.padding(),
                    conv.groups(), true));
            layers.add(new ReLU());
            if (conv.normalized() && !config.normalizeAfterPool()) {
                layers.add(localResponseNorm());
            }
            if (conv.pooled()) {
                layers.add(new MaxPool2d(config.pool()));
            }
            if (conv.normalized() && config.normalizeAfterPool()) {
                layers.add(localResponseNorm());
            }
            inChannels = conv.outChannels();
        }
        this.features = child("features", new Sequential(layers));
        this.avgpool = config.adaptivePool() ? child("avgpool", new AdaptiveAvgPool2d(POOLED_SIDE, POOLED_SIDE)) : null;
        int flat = inChannels * POOLED_SIDE * POOLED_SIDE;
        this.classifier = child("classifier", config.dropoutFirst()
                ? new Sequential(new Dropout(DROPOUT), new Linear(flat, HIDDEN), new ReLU(),
                        new Dropout(DROPOUT), new Linear(HIDDEN, HIDDEN), new ReLU(), new Linear(HIDDEN, numClasses))
                : new Sequential(new Linear(flat, HIDDEN), new ReLU(), new Dropout(DROPOUT),
                        new Linear(HIDDEN, HIDDEN), new ReLU(), new Dropout(DROPOUT), new Linear(HIDDEN, numClasses)));
    }

    /**
     * Krizhevsky et al.'s normalization, b = a / (k + α Σ a²)^β over 5 adjacent maps with k = 2, α = 1e-4, β = 0.75.
     * PyTorch's LRN divides α by the size, so it is given α·5 here to compute the paper's formula.
     */
    private static Module localResponseNorm() {
        int size = 5;
        return new LocalResponseNorm(size, 1e-4f * size, 0.75f, 2f);
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        Variable y = features.call(graph, x);
        if (avgpool != null) {
            y = avgpool.call(graph, y);
        }
        return classifier.call(graph, Functional.flatten(y, 1));
    }
}
