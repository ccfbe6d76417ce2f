package dev.jdnn.zoo.alexnet;

import dev.jdnn.zoo.ModelEntry;
import dev.jdnn.zoo.ModelInfo;
import java.util.List;

/** The AlexNet and ZFNet entries of the registry. */
public final class AlexNetModels {

    private static final String ALEXNET_PAPER =
            "Krizhevsky et al., ImageNet Classification with Deep Convolutional Neural Networks";
    private static final String ZFNET_PAPER = "Zeiler and Fergus, Visualizing and Understanding Convolutional Networks";

    private AlexNetModels() {
    }

    public static List<ModelEntry> entries() {
        return List.of(
                // The seed texts quote 15.3% top-5 error for AlexNet (ILSVRC-2012).
                new ModelEntry(new ModelInfo("alexnet", "AlexNet", ALEXNET_PAPER, 2012, 3, 224, 224, 1000,
                        61_100_840, 15.3), classes -> new AlexNet(AlexNet.TORCHVISION, classes)),
                new ModelEntry(new ModelInfo("alexnet_paper", "AlexNet", ALEXNET_PAPER, 2012, 3, 227, 227, 1000,
                        60_965_224, 15.3), classes -> new AlexNet(AlexNet.PAPER, classes)),
                new ModelEntry(new ModelInfo("zfnet", "ZFNet", ZFNET_PAPER, 2013, 3, 224, 224, 1000,
                        62_357_608, null), classes -> new AlexNet(AlexNet.ZFNET, classes)));
    }
}
