package dev.jdnn.zoo.vgg;

import dev.jdnn.zoo.ModelEntry;
import dev.jdnn.zoo.ModelInfo;
import java.util.List;

/** The VGG entries of the registry (torchvision's keys and parameter counts). */
public final class VGGModels {

    private static final String PAPER =
            "Simonyan and Zisserman, Very Deep Convolutional Networks for Large-Scale Image Recognition";

    private VGGModels() {
    }

    public static List<ModelEntry> entries() {
        return List.of(
                entry("vgg11", VGG.A, false, 132_863_336, null),
                entry("vgg13", VGG.B, false, 133_047_848, null),
                // The seed texts quote 9.6% top-5 error for VGG(-16) beside ResNet-34.
                entry("vgg16", VGG.D, false, 138_357_544, 9.6),
                entry("vgg19", VGG.E, false, 143_667_240, null),
                entry("vgg11_bn", VGG.A, true, 132_868_840, null),
                entry("vgg13_bn", VGG.B, true, 133_053_736, null),
                entry("vgg16_bn", VGG.D, true, 138_365_992, null),
                entry("vgg19_bn", VGG.E, true, 143_678_248, null));
    }

    private static ModelEntry entry(String key, List<Integer> layers, boolean batchNorm, long parameters,
                                    Double top5ErrorPercent) {
        return new ModelEntry(new ModelInfo(key, "VGG", PAPER, 2014, 3, 224, 224, 1000, parameters, top5ErrorPercent),
                classes -> new VGG(layers, batchNorm, classes));
    }
}
