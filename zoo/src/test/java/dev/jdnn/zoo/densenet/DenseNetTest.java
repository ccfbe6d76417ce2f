package dev.jdnn.zoo.densenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.nn.Module;
import dev.jdnn.zoo.Models;
import dev.jdnn.zoo.ZooChecks;
import java.util.List;
import org.junit.jupiter.api.Test;

class DenseNetTest {

    // Parameters (1000 classes) and conv + linear MACs at 224×224 from zoo/tools/torchvision_counts.py
    // (torchvision 0.14.1).
    @Test
    void densenet121CountsMatchTorchvision() {
        ZooChecks.assertCounts("densenet121", 7_978_856, 2_834_161_664L);
    }

    @Test
    void densenet169CountsMatchTorchvision() {
        ZooChecks.assertCounts("densenet169", 14_149_480, 3_359_843_328L);
    }

    @Test
    void densenet201CountsMatchTorchvision() {
        ZooChecks.assertCounts("densenet201", 20_013_928, 4_291_365_888L);
    }

    @Test
    void densenet121ForwardsOnBothBackends() {
        // 32×32: stem /4 → 8, transitions /2 each → 1×1 in the last block.
        ZooChecks.assertForwardOnBothBackends("densenet121", 10, 32);
    }

    @Test
    void stateDictKeysAreTorchvisions() {
        Module model = Module.shapeOnly(() -> Models.create("densenet121", 1000));
        List<String> keys = List.copyOf(model.namedParameters().keySet());
        assertEquals("features.conv0.weight", keys.getFirst());
        assertEquals(List.of("features.norm0.weight", "features.norm0.bias",
                "features.denseblock1.denselayer1.norm1.weight", "features.denseblock1.denselayer1.norm1.bias",
                "features.denseblock1.denselayer1.conv1.weight", "features.denseblock1.denselayer1.norm2.weight",
                "features.denseblock1.denselayer1.norm2.bias", "features.denseblock1.denselayer1.conv2.weight"),
                keys.subList(1, 9));
        assertTrue(keys.contains("features.transition1.norm.weight"));
        assertTrue(keys.contains("features.transition3.conv.weight"));
        assertTrue(keys.contains("features.denseblock4.denselayer16.conv2.weight"));
        assertEquals(List.of("features.norm5.weight", "features.norm5.bias", "classifier.weight", "classifier.bias"),
                keys.subList(keys.size() - 4, keys.size()));
        // 121 = stem conv + 2·(6 + 12 + 24 + 16) dense convs + 3 transition convs + classifier.
        assertEquals(120, keys.stream().filter(k -> k.endsWith("conv0.weight") || k.contains("conv1.weight")
                || k.contains("conv2.weight") || k.endsWith(".conv.weight")).count());
    }
}
