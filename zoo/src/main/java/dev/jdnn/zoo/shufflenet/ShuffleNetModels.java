package dev.jdnn.zoo.shufflenet;

import dev.jdnn.zoo.ModelEntry;
import dev.jdnn.zoo.ModelInfo;
import java.util.List;

/** The ShuffleNet V2 entries of the registry (torchvision's four widths). */
public final class ShuffleNetModels {

    private static final String PAPER = "Ma et al., ShuffleNet V2: Practical Guidelines for Efficient CNN Architecture"
            + " Design";

    private ShuffleNetModels() {
    }

    public static List<ModelEntry> entries() {
        return List.of(
                entry("shufflenet_v2_x0_5", ShuffleNetV2.X0_5, 1_366_792),
                entry("shufflenet_v2_x1_0", ShuffleNetV2.X1_0, 2_278_604),
                entry("shufflenet_v2_x1_5", ShuffleNetV2.X1_5, 3_503_624),
                entry("shufflenet_v2_x2_0", ShuffleNetV2.X2_0, 7_393_996));
    }

    private static ModelEntry entry(String key, ShuffleNetV2.Config config, long parameters) {
        return new ModelEntry(new ModelInfo(key, "ShuffleNet", PAPER, 2018, 3, 224, 224, 1000, parameters, null),
                classes -> new ShuffleNetV2(config, classes));
    }
}
