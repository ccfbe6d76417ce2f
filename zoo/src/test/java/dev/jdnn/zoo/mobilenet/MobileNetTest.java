package dev.jdnn.zoo.mobilenet;

import static dev.jdnn.zoo.ZooChecks.assertCounts;
import static dev.jdnn.zoo.ZooChecks.assertForwardOnBothBackends;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.nn.Module;
import dev.jdnn.zoo.Models;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MobileNetTest {

    @Test
    void mobilenetV1CountsFollowTable1() {
        // α = 1 at 224×224 (Table 1). Parameters: conv 3→32 3×3: 864 + BN 64 = 928. Each separable layer in→out:
        // depthwise 9·in + BN 2·in, pointwise in·out + BN 2·out:
        //   32→64: 288+64 + 2,048+128 = 2,528;  64→128: 576+128 + 8,192+256 = 9,152;
        //   128→128: 1,152+256 + 16,384+256 = 18,048;  128→256: 1,152+256 + 32,768+512 = 34,688;
        //   256→256: 2,304+512 + 65,536+512 = 68,864;  256→512: 2,304+512 + 131,072+1,024 = 134,912;
        //   5 × 512→512: 5 × (4,608+1,024 + 262,144+1,024) = 5 × 268,800 = 1,344,000;
        //   512→1024: 4,608+1,024 + 524,288+2,048 = 531,968;  1024→1024: 9,216+2,048 + 1,048,576+2,048 = 1,061,888;
        //   fc 1024·1000 + 1000 = 1,025,000.  Total 4,231,976 (the paper's "4.2 million").
        // Mult-adds (output side × kernel MACs): conv1 112²·32·27 = 10,838,016; then depthwise 9·in·s² + pointwise
        //   in·out·s² at output side s: 112: 3,612,672 + 25,690,112; 56: 1,806,336 + 25,690,112 (s2),
        //   3,612,672 + 51,380,224; 28: 903,168 + 25,690,112 (s2), 1,806,336 + 51,380,224; 14: 451,584 + 25,690,112
        //   (s2), 5 × (903,168 + 51,380,224); 7: 225,792 + 25,690,112 (s2), 451,584 + 51,380,224; fc 1,024,000.
        //   Total 568,740,352 (the paper's "569 million").
        assertCounts("mobilenet_v1", 4_231_976, 568_740_352);
        // The same arithmetic with every width times α (Table 6: 2.6M/325M, 1.3M/149M, 0.5M/41M).
        assertCounts("mobilenet_v1_0_75", 2_585_560, 325_400_448);
        assertCounts("mobilenet_v1_0_5", 1_331_592, 149_497_088);
        assertCounts("mobilenet_v1_0_25", 470_072, 41_030_272);
    }

    @Test
    void mobilenetV2AndV3MatchTorchvision() {
        // From zoo/tools/torchvision_counts.py (torchvision 0.14.1).
        assertCounts("mobilenet_v2", 3_504_872, 300_774_272);
        assertCounts("mobilenet_v3_small", 2_542_856, 56_510_400);
        assertCounts("mobilenet_v3_large", 5_483_032, 216_589_760);
    }

    @Test
    void forwardOnBothBackends() {
        // 32×32: five stride-2 stages leave 1×1 before pooling.
        for (String key : List.of("mobilenet_v1_0_25", "mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large")) {
            assertForwardOnBothBackends(key, 10, 32);
        }
    }

    @Test
    void stateDictKeysAreTorchvisions() {
        // Keys printed by torchvision 0.14.1's mobilenet_v2().state_dict() and mobilenet_v3_large().state_dict().
        Module v2 = Module.shapeOnly(() -> Models.create("mobilenet_v2", 1000));
        Set<String> v2Keys = v2.namedParameters().keySet();
        for (String key : List.of("features.0.0.weight", "features.0.1.bias", "features.1.conv.0.0.weight",
                "features.1.conv.1.weight", "features.1.conv.2.weight", "features.2.conv.0.0.weight",
                "features.2.conv.1.0.weight", "features.2.conv.2.weight", "features.2.conv.3.bias",
                "features.18.0.weight", "classifier.1.weight")) {
            assertTrue(v2Keys.contains(key), key);
        }
        assertEquals(158, v2Keys.size());
        Module v3 = Module.shapeOnly(() -> Models.create("mobilenet_v3_large", 1000));
        Set<String> v3Keys = v3.namedParameters().keySet();
        for (String key : List.of("features.4.block.2.fc1.weight", "features.4.block.2.fc2.bias",
                "features.4.block.3.1.weight", "features.16.0.weight", "classifier.0.weight", "classifier.3.bias")) {
            assertTrue(v3Keys.contains(key), key);
        }
        assertEquals(174, v3Keys.size());
    }
}
