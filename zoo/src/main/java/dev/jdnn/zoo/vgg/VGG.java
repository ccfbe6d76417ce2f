package dev.jdnn.zoo.vgg;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.nn.AdaptiveAvgPool2d;
import dev.jdnn.engine.nn.BatchNorm2d;
import dev.jdnn.engine.nn.Conv2d;
import dev.jdnn.engine.nn.Dropout;
import dev.jdnn.engine.nn.Linear;
import dev.jdnn.engine.nn.MaxPool2d;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.nn.ReLU;
import dev.jdnn.engine.nn.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * VGG (Simonyan and Zisserman 2014) as torchvision builds it: {@code features} from a layer list of 3×3 padding-1
 * convolutions (each followed by a batch norm in the {@code _bn} versions, then a ReLU) and 2×2 max poolings
 * ({@link #M}), {@code avgpool} to 7×7, and a {@code classifier} of two hidden layers of 4096 units with dropout.
 */
public final class VGG extends Module {

    /** In a layer list: a 2×2 stride-2 max pooling (torchvision's {@code "M"}). */
    public static final int M = 0;

    /** Configuration "A" of the paper's Table 1: VGG-11. */
    public static final List<Integer> A = List.of(64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M);
    /** Configuration "B": VGG-13. */
    public static final List<Integer> B = List.of(64, 64, M, 128, 128, M, 256, 256, M, 512, 512, M, 512, 512, M);
    /** Configuration "D": VGG-16. */
    public static final List<Integer> D =
            List.of(64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M);
    /** Configuration "E": VGG-19. */
    public static final List<Integer> E =
            List.of(64, 64, M, 128, 128, M, 256, 256, 256, 256, M, 512, 512, 512, 512, M, 512, 512, 512, 512, M);

    private static final int POOLED_SIDE = 7;
    private static final int HIDDEN = 4096;
    private static final double DROPOUT = 0.5;

    private final Sequential features;
    private final AdaptiveAvgPool2d avgpool;
    private final Sequential classifier;

    /**
     * @param layers    output channels of each convolution, {@link #M} for a pooling
     * @param batchNorm a {@code BatchNorm2d} after each convolution
     */
    public VGG(List<Integer> layers, boolean batchNorm, int numClasses) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("VGG: num_classes must be positive, got " + numClasses);
        }
        List<Module> modules = new ArrayList<>();
        int inChannels = 3;
        for (int v : layers) {
            if (v == M) {
                modules.add(new MaxPool2d(2, 2));
                continue;
            }
            modules.add(new Conv2d(inChannels, v, 3, 1, 1));
            if (batchNorm) {
                modules.add(new BatchNorm2d(v));
            }
            modules.add(new ReLU());
            inChannels = v;
        }
        this.features = child("features", new Sequential(modules));
        this.avgpool = child("avgpool", new AdaptiveAvgPool2d(POOLED_SIDE, POOLED_SIDE));
        this.classifier = child("classifier", new Sequential(
                new Linear(inChannels * POOLED_SIDE * POOLED_SIDE, HIDDEN), new ReLU(), new Dropout(DROPOUT),
                new Linear(HIDDEN, HIDDEN), new ReLU(), new Dropout(DROPOUT),
                new Linear(HIDDEN, numClasses)));
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        Variable y = avgpool.call(graph, features.call(graph, x));
        return classifier.call(graph, Functional.flatten(y, 1));
    }
}
