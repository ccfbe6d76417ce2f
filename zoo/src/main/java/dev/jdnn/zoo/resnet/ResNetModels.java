package dev.jdnn.zoo.resnet;

import dev.jdnn.zoo.ModelEntry;
import dev.jdnn.zoo.ModelInfo;
import java.util.List;

/** The ImageNet ResNets of the registry: torchvision's resnet18 ... resnet152, resnext50_32x4d, wide_resnet50_2. */
public final class ResNetModels {

    private static final String RESNET = "He et al., Deep Residual Learning for Image Recognition";
    private static final String RESNEXT = "Xie et al., Aggregated Residual Transformations for Deep Neural Networks";
    private static final String WIDE = "Zagoruyko and Komodakis, Wide Residual Networks";

    private ResNetModels() {
    }

    public static List<ModelEntry> entries() {
        return List.of(
                entry("resnet18", "ResNet", RESNET, 2015, 11_689_512, null, ResNet.RESNET18),
                entry("resnet34", "ResNet", RESNET, 2015, 21_797_672, null, ResNet.RESNET34),
                entry("resnet50", "ResNet", RESNET, 2015, 25_557_032, null, ResNet.RESNET50),
                entry("resnet101", "ResNet", RESNET, 2015, 44_549_160, null, ResNet.RESNET101),
                // 3.57%: the ILSVRC 2015 ensemble figure the seed texts quote for ResNet-152.
                entry("resnet152", "ResNet", RESNET, 2015, 60_192_808, 3.57, ResNet.RESNET152),
                entry("resnext50_32x4d", "ResNeXt", RESNEXT, 2016, 25_028_904, null, ResNet.RESNEXT50_32X4D),
                entry("wide_resnet50_2", "Wide ResNet", WIDE, 2016, 68_883_240, null, ResNet.WIDE_RESNET50_2));
    }

    private static ModelEntry entry(String key, String family, String paper, int year, long parameters,
                                    Double top5ErrorPercent, ResNet.Config config) {
        return new ModelEntry(new ModelInfo(key, family, paper, year, 3, 224, 224, 1000, parameters, top5ErrorPercent),
                classes -> new ResNet(config, classes));
    }
}
