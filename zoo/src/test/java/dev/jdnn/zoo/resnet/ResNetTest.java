package dev.jdnn.zoo.resnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.nn.Module;
import dev.jdnn.zoo.Models;
import dev.jdnn.zoo.ZooChecks;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResNetTest {

    // Parameters (1000 classes) and conv + linear multiply-accumulates at 3×224×224, one image: computed by
    // zoo/tools/torchvision_counts.py with torchvision 0.14.1.

    @Test
    void resnet18() {
        ZooChecks.assertCounts("resnet18", 11_689_512, 1_814_073_344L);
    }

    @Test
    void resnet34() {
        ZooChecks.assertCounts("resnet34", 21_797_672, 3_663_761_408L);
    }

    @Test
    void resnet50() {
        ZooChecks.assertCounts("resnet50", 25_557_032, 4_089_184_256L);
    }

    @Test
    void resnet101() {
        ZooChecks.assertCounts("resnet101", 44_549_160, 7_801_405_440L);
    }

    @Test
    void resnet152() {
        ZooChecks.assertCounts("resnet152", 60_192_808, 11_513_626_624L);
        assertEquals(3.57, Models.info("resnet152").top5ErrorPercent());
    }

    @Test
    void resnext50_32x4d() {
        ZooChecks.assertCounts("resnext50_32x4d", 25_028_904, 4_230_479_872L);
    }

    @Test
    void wide_resnet50_2() {
        ZooChecks.assertCounts("wide_resnet50_2", 68_883_240, 11_398_021_120L);
    }

    @Test
    void forwardsOnBothBackends() {
        // 32×32 is the smallest input every stage still sees (the net downsamples 32×: 1×1 before the pooling).
        // One model per block kind (basic, bottleneck, grouped bottleneck); the deeper and wider ones repeat the same
        // blocks and would cost over 10 s more on two shared cores.
        for (String key : List.of("resnet18", "resnet50", "resnext50_32x4d")) {
            ZooChecks.assertForwardOnBothBackends(key, 10, 32);
        }
    }

    @Test
    void stateDictKeysAreTorchvisions() {
        Module model = Module.shapeOnly(() -> Models.create("resnet50", 1000));
        List<String> keys = List.copyOf(model.namedParameters().keySet());
        assertEquals(List.of("conv1.weight", "bn1.weight", "bn1.bias", "layer1.0.conv1.weight",
                "layer1.0.bn1.weight", "layer1.0.bn1.bias"), keys.subList(0, 6));
        assertTrue(keys.contains("layer1.0.downsample.0.weight"));
        assertTrue(keys.contains("layer2.0.downsample.1.bias"));
        assertTrue(keys.contains("layer4.2.conv3.weight"));
        assertTrue(!keys.contains("layer1.1.downsample.0.weight"));
        assertEquals(List.of("fc.weight", "fc.bias"), keys.subList(keys.size() - 2, keys.size()));
        // resnet18's first stage keeps 64 channels at stride 1: no projection.
        Module resnet18 = Module.shapeOnly(() -> Models.create("resnet18", 1000));
        assertTrue(!resnet18.namedParameters().containsKey("layer1.0.downsample.0.weight"));
        assertTrue(resnet18.namedParameters().containsKey("layer2.0.downsample.0.weight"));
        // 16 convolutions of 3×3 in resnet18's blocks plus conv1 and three projections: 20 conv weights.
        assertEquals(20, resnet18.namedParameters().keySet().stream()
                .filter(k -> k.endsWith("weight") && !k.contains("bn") && !k.contains("downsample.1")
                        && !k.equals("fc.weight")).count());
    }

    @Test
    void stateDictHasBatchNormBuffers() {
        try (Module model = Models.create("resnet18", 10)) {
            assertTrue(model.stateDict().containsKey("layer1.0.bn1.running_mean"));
            assertTrue(model.stateDict().containsKey("layer2.0.downsample.1.running_var"));
        }
    }
}
