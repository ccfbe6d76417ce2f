package dev.jdnn.zoo.cifar;

import dev.jdnn.zoo.ModelEntry;
import dev.jdnn.zoo.ModelInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * The CIFAR-10 ResNets of He et al. §4.2 ({@code resnet20} ... {@code resnet110}), their plain twins
 * ({@code plain20} ... {@code plain110}) and the seed texts' {@code simple_resnet} for 28×28 digits.
 */
public final class CifarModels {

    private static final String RESNET = "He et al., Deep Residual Learning for Image Recognition";
    /** n per stage, and the parameters with 10 classes (97,216·n − 21,926; derived layer by layer in the test). */
    private static final long[][] N_PARAMETERS = {
            {3, 269_722}, {5, 464_154}, {7, 658_586}, {9, 853_018}, {18, 1_727_962}};

    private CifarModels() {
    }

    public static List<ModelEntry> entries() {
        List<ModelEntry> entries = new ArrayList<>();
        for (boolean residual : new boolean[] {true, false}) {
            for (long[] row : N_PARAMETERS) {
                CifarResNet.Config config = new CifarResNet.Config((int) row[0], residual);
                String key = (residual ? "resnet" : "plain") + config.depth();
                entries.add(new ModelEntry(new ModelInfo(key, residual ? "ResNet (CIFAR)" : "Plain (CIFAR)", RESNET,
                        2015, 3, 32, 32, 10, row[1], null), classes -> new CifarResNet(config, classes)));
            }
        }
        entries.add(new ModelEntry(new ModelInfo("simple_resnet", "SimpleResNet",
                RESNET + " (the seed texts' small network for 28x28 digits)", 2015, 1, 28, 28, 10, 56_170, null),
                classes -> new SimpleResNet(SimpleResNet.MNIST, classes)));
        return List.copyOf(entries);
    }
}
