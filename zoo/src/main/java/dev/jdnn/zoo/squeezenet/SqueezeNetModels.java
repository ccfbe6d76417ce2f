package dev.jdnn.zoo.squeezenet;

import dev.jdnn.zoo.ModelEntry;
import dev.jdnn.zoo.ModelInfo;
import java.util.List;

/** The SqueezeNet entries of the registry (torchvision's keys and parameter counts). */
public final class SqueezeNetModels {

    private static final String PAPER =
            "Iandola et al., SqueezeNet: AlexNet-level accuracy with 50x fewer parameters and <0.5MB model size";

    private SqueezeNetModels() {
    }

    public static List<ModelEntry> entries() {
        return List.of(
                new ModelEntry(new ModelInfo("squeezenet1_0", "SqueezeNet", PAPER, 2016, 3, 224, 224, 1000,
                        1_248_424, null), classes -> new SqueezeNet(SqueezeNet.V1_0, classes)),
                new ModelEntry(new ModelInfo("squeezenet1_1", "SqueezeNet", PAPER, 2016, 3, 224, 224, 1000,
                        1_235_496, null), classes -> new SqueezeNet(SqueezeNet.V1_1, classes)));
    }
}
