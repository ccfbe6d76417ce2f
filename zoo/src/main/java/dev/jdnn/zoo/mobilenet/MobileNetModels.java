package dev.jdnn.zoo.mobilenet;

import dev.jdnn.zoo.ModelEntry;
import dev.jdnn.zoo.ModelInfo;
import java.util.List;

/** The MobileNet entries of the registry: v1 (four widths), v2, v3 small and large. */
public final class MobileNetModels {

    private static final String V1 = "Howard et al., MobileNets: Efficient Convolutional Neural Networks for Mobile"
            + " Vision Applications";
    private static final String V2 = "Sandler et al., MobileNetV2: Inverted Residuals and Linear Bottlenecks";
    private static final String V3 = "Howard et al., Searching for MobileNetV3";

    private MobileNetModels() {
    }

    public static List<ModelEntry> entries() {
        return List.of(
                v1("mobilenet_v1", 1.0, 4_231_976),
                v1("mobilenet_v1_0_75", 0.75, 2_585_560),
                v1("mobilenet_v1_0_5", 0.5, 1_331_592),
                v1("mobilenet_v1_0_25", 0.25, 470_072),
                new ModelEntry(new ModelInfo("mobilenet_v2", "MobileNet", V2, 2018, 3, 224, 224, 1000, 3_504_872, null),
                        classes -> new MobileNetV2(MobileNetV2.MOBILENET_V2, classes)),
                new ModelEntry(new ModelInfo("mobilenet_v3_small", "MobileNet", V3, 2019, 3, 224, 224, 1000, 2_542_856,
                        null), classes -> new MobileNetV3(MobileNetV3.SMALL, classes)),
                new ModelEntry(new ModelInfo("mobilenet_v3_large", "MobileNet", V3, 2019, 3, 224, 224, 1000, 5_483_032,
                        null), classes -> new MobileNetV3(MobileNetV3.LARGE, classes)));
    }

    /** MobileNet v1 at width α and the paper's 224×224 input (ρ = 1; other ρ are other input sizes, same weights). */
    private static ModelEntry v1(String key, double alpha, long parameters) {
        MobileNetV1.Config config = MobileNetV1.config(alpha, 224);
        return new ModelEntry(new ModelInfo(key, "MobileNet", V1, 2017, 3, config.resolution(), config.resolution(),
                1000, parameters, null), classes -> new MobileNetV1(config, classes));
    }
}
