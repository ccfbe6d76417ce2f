package dev.jdnn.zoo.cifar;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.nn.AdaptiveAvgPool2d;
import dev.jdnn.engine.nn.BatchNorm2d;
import dev.jdnn.engine.nn.Conv2d;
import dev.jdnn.engine.nn.Linear;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.nn.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed texts' "SimpleResNet" for 28×28 digits: 7 convolutions (1 + 3×2), batch norm, ReLU, global average
 * pooling, 56,170 parameters with 10 classes. {@code conv1} 3×3 (1 → width, no bias) → {@code bn1} → ReLU, then
 * {@code layer1}: {@code blocks} residual blocks at the same width and resolution, each {@code conv1} 3×3 →
 * {@code bn1} → ReLU → {@code conv2} 3×3, plus the input, then ReLU; {@code avgpool} and {@code fc}. The text gives
 * only the totals; width 32 with one BN per block is the design that reaches 56,170 exactly (see the test).
 */
public final class SimpleResNet extends Module {

    /** Channel width and the number of residual blocks. */
    public record Config(int width, int blocks) {
    }

    /** The seed texts' network: width 32, three blocks. */
    public static final Config MNIST = new Config(32, 3);

    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Sequential layer1;
    private final AdaptiveAvgPool2d avgpool;
    private final Linear fc;

    public SimpleResNet(Config config, int numClasses) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("SimpleResNet: num_classes must be positive, got " + numClasses);
        }
        this.conv1 = child("conv1", new Conv2d(1, config.width(), 3, 1, 1, 1, false));
        this.bn1 = child("bn1", new BatchNorm2d(config.width()));
        List<Module> blocks = new ArrayList<>();
        for (int i = 0; i < config.blocks(); i++) {
            blocks.add(new Block(config.width()));
        }
        this.layer1 = child("layer1", new Sequential(blocks));
        this.avgpool = child("avgpool", new AdaptiveAvgPool2d(1, 1));
        this.fc = child("fc", new Linear(config.width(), numClasses));
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        Variable y = layer1.call(graph, Functional.relu(bn1.call(graph, conv1.call(graph, x))));
        return fc.call(graph, Functional.flatten(avgpool.call(graph, y), 1));
    }

    /** conv 3×3 → BN → ReLU → conv 3×3, plus the input, then ReLU. */
    static final class Block extends Module {

        private final Conv2d conv1;
        private final BatchNorm2d bn1;
        private final Conv2d conv2;

        Block(int width) {
            this.conv1 = child("conv1", new Conv2d(width, width, 3, 1, 1, 1, false));
            this.bn1 = child("bn1", new BatchNorm2d(width));
            this.conv2 = child("conv2", new Conv2d(width, width, 3, 1, 1, 1, false));
        }

        @Override
        protected Variable forward(Graph graph, Variable x) {
            Variable out = Functional.relu(bn1.call(graph, conv1.call(graph, x)));
            return Functional.relu(Functional.add(conv2.call(graph, out), x));
        }
    }
}
