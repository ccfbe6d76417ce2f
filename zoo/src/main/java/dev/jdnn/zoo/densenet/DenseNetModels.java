package dev.jdnn.zoo.densenet;

import dev.jdnn.zoo.ModelEntry;
import dev.jdnn.zoo.ModelInfo;
import java.util.List;

/** The DenseNet entries of the registry (torchvision's densenet121/169/201). */
public final class DenseNetModels {

    private static final String PAPER = "Huang et al., Densely Connected Convolutional Networks";

    private DenseNetModels() {
    }

    public static List<ModelEntry> entries() {
        return List.of(
                entry("densenet121", 7_978_856, DenseNet.DENSENET121),
                entry("densenet169", 14_149_480, DenseNet.DENSENET169),
                entry("densenet201", 20_013_928, DenseNet.DENSENET201));
    }

    private static ModelEntry entry(String key, long parameters, DenseNet.Config config) {
        return new ModelEntry(new ModelInfo(key, "DenseNet", PAPER, 2017, 3, 224, 224, 1000, parameters, null),
                classes -> new DenseNet(config, classes));
    }
}
