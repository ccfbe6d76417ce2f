package dev.jdnn.zoo.googlenet;

import dev.jdnn.zoo.ModelEntry;
import dev.jdnn.zoo.ModelInfo;
import java.util.List;

/**
 * The GoogLeNet entries of the registry. Both models carry their auxiliary heads (train them with
 * {@link AuxiliaryLoss}); the published parameter counts are those of inference, without the heads, as torchvision's
 * {@code aux_logits=False} count and as a trace (which never runs the heads) sees them.
 */
public final class GoogLeNetModels {

    private static final String PAPER = "Szegedy et al., Going Deeper with Convolutions";

    /** Derived from the paper's Table 1 with biases and 5×5 convolutions; see GoogLeNetTest for the arithmetic. */
    private static final long PAPER_PARAMETERS = 6_998_552;

    private GoogLeNetModels() {
    }

    public static List<ModelEntry> entries() {
        return List.of(
                new ModelEntry(new ModelInfo("googlenet", "GoogLeNet", PAPER, 2014, 3, 224, 224, 1000, 6_624_904, 6.7),
                        classes -> new GoogLeNet(GoogLeNet.TORCHVISION, classes)),
                new ModelEntry(new ModelInfo("googlenet_paper", "GoogLeNet", PAPER, 2014, 3, 224, 224, 1000,
                        PAPER_PARAMETERS, 6.7), classes -> new GoogLeNet(GoogLeNet.PAPER, classes)));
    }
}
