package dev.jdnn.zoo.lenet;

import dev.jdnn.zoo.ModelEntry;
import dev.jdnn.zoo.ModelInfo;
import java.util.List;

/** The LeNet entries of the registry. */
public final class LeNetModels {

    private static final String PAPER = "LeCun et al., Gradient-Based Learning Applied to Document Recognition";

    private LeNetModels() {
    }

    public static List<ModelEntry> entries() {
        return List.of(
                new ModelEntry(new ModelInfo("lenet5", "LeNet", PAPER, 1998, 1, 32, 32, 10, 61_706, null),
                        classes -> new LeNet5(LeNet5.CLASSIC, classes)),
                new ModelEntry(new ModelInfo("lenet5_28", "LeNet", PAPER, 1998, 1, 28, 28, 10, 44_426, null),
                        classes -> new LeNet5(LeNet5.MNIST_28, classes)));
    }
}
