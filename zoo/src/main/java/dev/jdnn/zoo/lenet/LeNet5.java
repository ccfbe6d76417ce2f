package dev.jdnn.zoo.lenet;

import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.nn.AvgPool2d;
import dev.jdnn.engine.nn.Conv2d;
import dev.jdnn.engine.nn.Flatten;
import dev.jdnn.engine.nn.Linear;
import dev.jdnn.engine.nn.MaxPool2d;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.nn.ReLU;
import dev.jdnn.engine.nn.Sequential;
import dev.jdnn.engine.nn.Tanh;
import java.util.function.Supplier;

/**
 * LeNet-5 (LeCun et al. 1998): two 5×5 convolutions with 6 and 16 maps, each followed by an activation and a 2×2
 * pooling, then fully connected layers of 120 and 84 units and the classifier. {@code features} holds the
 * convolutional part and {@code classifier} the rest, as torchvision's AlexNet and VGG name theirs.
 */
public final class LeNet5 extends Module {

    /**
     * @param inputSize   side of the square grey input (32 in the paper, 28 for MNIST as it is)
     * @param activation  tanh in the paper, ReLU in the 28×28 variant
     * @param maxPooling  max pooling (the 28×28 variant) or average pooling (the paper's subsampling)
     */
    public record Config(int inputSize, Supplier<Module> activation, boolean maxPooling) {
    }

    /** The paper's network: 1×32×32, tanh, average pooling; 61,706 parameters with 10 classes. */
    public static final Config CLASSIC = new Config(32, Tanh::new, false);
    /** For 28×28 digits: 1×28×28, ReLU, max pooling; 44,426 parameters with 10 classes. */
    public static final Config MNIST_28 = new Config(28, ReLU::new, true);

    private final Sequential features;
    private final Sequential classifier;

    public LeNet5(Config config, int numClasses) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("LeNet5: num_classes must be positive, got " + numClasses);
        }
        int side = ((config.inputSize() - 4) / 2 - 4) / 2; // two 5×5 valid convolutions, two 2×2 poolings
        if (side <= 0) {
            throw new IllegalArgumentException("LeNet5: input size " + config.inputSize() + " is too small (at least 16)");
        }
        this.features = child("features", new Sequential(
                new Conv2d(1, 6, 5, 1, 0), config.activation().get(), pool(config),
                new Conv2d(6, 16, 5, 1, 0), config.activation().get(), pool(config)));
        this.classifier = child("classifier", new Sequential(
                new Flatten(),
                new Linear(16 * side * side, 120), config.activation().get(),
                new Linear(120, 84), config.activation().get(),
                new Linear(84, numClasses)));
    }

    private static Module pool(Config config) {
        return config.maxPooling() ? new MaxPool2d(2, 2) : new AvgPool2d(2, 2);
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        return classifier.call(graph, features.call(graph, x));
    }
}
