package dev.jdnn.zoo.efficientnet;

import dev.jdnn.zoo.ModelEntry;
import dev.jdnn.zoo.ModelInfo;
import dev.jdnn.zoo.mobilenet.NormLayer;
import java.util.List;

/** EfficientNet-B0…B7 (torchvision's multipliers, dropouts, batch norms and native resolutions). */
public final class EfficientNetModels {

    private static final String PAPER = "Tan and Le, EfficientNet: Rethinking Model Scaling for Convolutional Neural"
            + " Networks";
    private static final NormLayer B5_UP = NormLayer.EPS_1E3_MOMENTUM_1E2;

    private EfficientNetModels() {
    }

    public static List<ModelEntry> entries() {
        return List.of(
                entry("efficientnet_b0", 224, 5_288_548, EfficientNet.b(1.0, 1.0, 0.2, NormLayer.DEFAULT)),
                entry("efficientnet_b1", 240, 7_794_184, EfficientNet.b(1.0, 1.1, 0.2, NormLayer.DEFAULT)),
                entry("efficientnet_b2", 260, 9_109_994, EfficientNet.b(1.1, 1.2, 0.3, NormLayer.DEFAULT)),
                entry("efficientnet_b3", 300, 12_233_232, EfficientNet.b(1.2, 1.4, 0.3, NormLayer.DEFAULT)),
                entry("efficientnet_b4", 380, 19_341_616, EfficientNet.b(1.4, 1.8, 0.4, NormLayer.DEFAULT)),
                entry("efficientnet_b5", 456, 30_389_784, EfficientNet.b(1.6, 2.2, 0.4, B5_UP)),
                entry("efficientnet_b6", 528, 43_040_704, EfficientNet.b(1.8, 2.6, 0.5, B5_UP)),
                entry("efficientnet_b7", 600, 66_347_960, EfficientNet.b(2.0, 3.1, 0.5, B5_UP)));
    }

    private static ModelEntry entry(String key, int resolution, long parameters, EfficientNet.Config config) {
        return new ModelEntry(new ModelInfo(key, "EfficientNet", PAPER, 2019, 3, resolution, resolution, 1000,
                parameters, null), classes -> new EfficientNet(config, classes));
    }
}
