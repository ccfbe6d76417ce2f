package dev.jdnn.zoo.squeezenet;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.nn.AdaptiveAvgPool2d;
import dev.jdnn.engine.nn.Conv2d;
import dev.jdnn.engine.nn.Dropout;
import dev.jdnn.engine.nn.MaxPool2d;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.nn.ReLU;
import dev.jdnn.engine.nn.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * SqueezeNet (Iandola et al. 2016) as torchvision builds it: a stem convolution and ReLU, then Fire modules and 3×3
 * stride-2 max poolings that round up ({@code features.N}, each Fire with {@code squeeze}, {@code expand1x1},
 * {@code expand3x3}), and a convolutional {@code classifier}: dropout, a 1×1 convolution to the classes
 * ({@code classifier.1}), ReLU and global average pooling.
 */
public final class SqueezeNet extends Module {

    /** In a Fire list: a max pooling. */
    public static final int M = 0;

    /**
     * @param stemChannels  the first convolution's output channels
     * @param stemKernel    its kernel (stride 2, no padding)
     * @param layers        after the stem's ReLU: each Fire module's squeeze channels, {@link #M} for a pooling; as in
     *                      every Fire of both versions, expand 1×1 and expand 3×3 have four times the squeeze's
     *                      channels each (the paper's squeeze ratio 0.125 with half the expand filters 3×3)
     */
    public record Config(int stemChannels, int stemKernel, List<Integer> layers) {
        public Config {
            layers = List.copyOf(layers);
        }
    }

    /** SqueezeNet 1.0, the paper's: 96 maps 7×7, poolings after the stem, fire4 and fire8. */
    public static final Config V1_0 = new Config(96, 7, List.of(M, 16, 16, 32, M, 32, 48, 48, 64, M, 64));
    /** SqueezeNet 1.1 (the authors' repository): 64 maps 3×3, poolings moved earlier, 2.4× less computation. */
    public static final Config V1_1 = new Config(64, 3, List.of(M, 16, 16, M, 32, 32, M, 48, 48, 64, 64));

    private static final double DROPOUT = 0.5;

    private final Sequential features;
    private final Sequential classifier;

    public SqueezeNet(Config config, int numClasses) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("SqueezeNet: num_classes must be positive, got " + numClasses);
        }
        List<Module> layers = new ArrayList<>(List.of(new Conv2d(3, config.stemChannels(), config.stemKernel(), 2, 0),
                new ReLU()));
        int inChannels = config.stemChannels();
        for (int squeeze : config.layers()) {
            if (squeeze == M) {
                layers.add(new MaxPool2d(3, 2, 0, true));
                continue;
            }
            int expand = 4 * squeeze;
            layers.add(new Fire(inChannels, squeeze, expand, expand));
            inChannels = 2 * expand;
        }
        this.features = child("features", new Sequential(layers));
        this.classifier = child("classifier", new Sequential(new Dropout(DROPOUT),
                new Conv2d(inChannels, numClasses, 1, 1, 0), new ReLU(), new AdaptiveAvgPool2d(1, 1)));
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        return Functional.flatten(classifier.call(graph, features.call(graph, x)), 1);
    }
}
