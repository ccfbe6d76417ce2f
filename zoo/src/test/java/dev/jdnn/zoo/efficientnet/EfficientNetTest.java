package dev.jdnn.zoo.efficientnet;

import static dev.jdnn.zoo.ZooChecks.assertCounts;
import static dev.jdnn.zoo.ZooChecks.assertForwardOnBothBackends;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.nn.Module;
import dev.jdnn.zoo.Models;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EfficientNetTest {

    @Test
    void countsMatchTorchvisionAtNativeResolutions() {
        // From zoo/tools/torchvision_counts.py (torchvision 0.14.1), each at its native resolution.
        assertCounts("efficientnet_b0", 5_288_548, 385_814_752);
        assertCounts("efficientnet_b1", 7_794_184, 686_802_832);
        assertCounts("efficientnet_b2", 9_109_994, 993_561_872);
        assertCounts("efficientnet_b3", 12_233_232, 1_827_141_392);
        assertCounts("efficientnet_b4", 19_341_616, 4_393_771_024L);
        assertCounts("efficientnet_b5", 30_389_784, 10_266_384_752L);
        assertCounts("efficientnet_b6", 43_040_704, 19_067_593_536L);
        assertCounts("efficientnet_b7", 66_347_960, 37_745_884_192L);
    }

    @Test
    void forwardOnBothBackends() {
        // 32×32: five stride-2 stages leave 1×1.
        assertForwardOnBothBackends("efficientnet_b0", 10, 32);
        assertForwardOnBothBackends("efficientnet_b1", 10, 32);
    }

    @Test
    void stateDictKeysAndStochasticDepthAreTorchvisions() {
        // torchvision 0.14.1's efficientnet_b0(): 213 named parameters; the last block's stochastic depth
        // (features.7.0, block 15 of 16) has p = 0.2 · 15 / 16 = 0.1875.
        Module model = Module.shapeOnly(() -> Models.create("efficientnet_b0", 1000));
        Set<String> keys = model.namedParameters().keySet();
        for (String key : List.of("features.0.0.weight", "features.1.0.block.0.0.weight",
                "features.1.0.block.1.fc1.weight", "features.1.0.block.1.fc2.bias", "features.1.0.block.2.1.weight",
                "features.2.0.block.0.0.weight", "features.2.0.block.2.fc1.weight", "features.7.0.block.3.1.bias",
                "features.8.1.bias", "classifier.1.weight")) {
            assertTrue(keys.contains(key), key);
        }
        assertEquals(213, keys.size());
        Module last = model.children().get("features").children().get("7").children().get("0");
        assertEquals(0.1875, ((StochasticDepth) last.children().get("stochastic_depth")).p());
    }
}
