package dev.jdnn.zoo.shufflenet;

import static dev.jdnn.zoo.ZooChecks.assertCounts;
import static dev.jdnn.zoo.ZooChecks.assertForwardOnBothBackends;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.nn.Module;
import dev.jdnn.zoo.Models;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShuffleNetTest {

    @Test
    void countsMatchTorchvision() {
        // From zoo/tools/torchvision_counts.py (torchvision 0.14.1); x1_5 and x2_0 from its macs() run on those keys.
        assertCounts("shufflenet_v2_x0_5", 1_366_792, 40_476_448);
        assertCounts("shufflenet_v2_x1_0", 2_278_604, 144_907_992);
        assertCounts("shufflenet_v2_x1_5", 3_503_624, 295_759_392);
        assertCounts("shufflenet_v2_x2_0", 7_393_996, 583_253_464);
    }

    @Test
    void forwardOnBothBackends() {
        // 32×32: conv1, the max pool and three downsampling stages leave 1×1.
        assertForwardOnBothBackends("shufflenet_v2_x0_5", 10, 32);
        assertForwardOnBothBackends("shufflenet_v2_x1_0", 10, 32);
    }

    @Test
    void stateDictKeysAreTorchvisions() {
        // Keys of torchvision 0.14.1's shufflenet_v2_x1_0().state_dict(): 170 parameters.
        Set<String> keys = Module.shapeOnly(() -> Models.create("shufflenet_v2_x1_0", 1000)).namedParameters().keySet();
        for (String key : List.of("conv1.0.weight", "conv1.1.bias", "stage2.0.branch1.0.weight",
                "stage2.0.branch1.2.weight", "stage2.0.branch2.6.bias", "stage2.1.branch2.0.weight",
                "stage3.7.branch2.5.weight", "conv5.0.weight", "conv5.1.weight", "fc.weight", "fc.bias")) {
            assertTrue(keys.contains(key), key);
        }
        assertEquals(170, keys.size());
    }
}
