package dev.jdnn.zoo.squeezenet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jdnn.engine.autograd.Trace;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.zoo.Models;
import dev.jdnn.zoo.ZooChecks;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqueezeNetTest {

    @Test
    void countsMatchTorchvision() {
        // From zoo/tools/torchvision_counts.py (torchvision 0.14.1).
        ZooChecks.assertCounts("squeezenet1_0", 1_248_424, 818_924_576);
        ZooChecks.assertCounts("squeezenet1_1", 1_235_496, 349_151_936);
    }

    @Test
    void stateDictKeysAreTorchvisions() {
        Module model = Module.shapeOnly(() -> Models.create("squeezenet1_0", 1000));
        List<String> keys = List.copyOf(model.namedParameters().keySet());
        assertEquals(List.of("features.0.weight", "features.0.bias",
                "features.3.squeeze.weight", "features.3.squeeze.bias",
                "features.3.expand1x1.weight", "features.3.expand1x1.bias",
                "features.3.expand3x3.weight", "features.3.expand3x3.bias"), keys.subList(0, 8));
        // Fires at 3, 4, 5, 7, 8, 9, 10, 12 in 1.0; the final convolution is classifier.1.
        assertEquals(2 + 8 * 6 + 2, keys.size());
        assertEquals("features.12.expand3x3.bias", keys.get(keys.size() - 3));
        assertEquals(List.of("classifier.1.weight", "classifier.1.bias"), keys.subList(keys.size() - 2, keys.size()));
        assertEquals(Shape.of(1000, 512, 1, 1), model.namedParameters().get("classifier.1.weight").shape());
        Module v11 = Module.shapeOnly(() -> Models.create("squeezenet1_1", 1000));
        assertEquals(Shape.of(64, 3, 3, 3), v11.namedParameters().get("features.0.weight").shape());
        assertEquals(Shape.of(48, 256, 1, 1), v11.namedParameters().get("features.9.squeeze.weight").shape());
    }

    @Test
    void poolingsRoundUp() {
        // 1.0 at 224: conv 7×7/2 → 109; pools 3×3/2 in ceil mode → 54 → 27 → 13 (floor would give 54, 26, 12).
        Trace trace = ZooChecks.trace("squeezenet1_0", 1000, 224);
        assertEquals(Shape.of(1, 96, 54, 54), output(trace, "features.2"));
        assertEquals(Shape.of(1, 256, 27, 27), output(trace, "features.6"));
        assertEquals(Shape.of(1, 512, 13, 13), output(trace, "features.11"));
        assertEquals(Shape.of(1, 1000), trace.layers().getLast().output());
    }

    @Test
    void forwardsOnBothBackends() {
        ZooChecks.assertForwardOnBothBackends("squeezenet1_0", 10, 64);
        ZooChecks.assertForwardOnBothBackends("squeezenet1_1", 10, 64);
    }

    private static Shape output(Trace trace, String name) {
        return trace.layers().stream().filter(layer -> layer.name().equals(name)).reduce((a, b) -> b).orElseThrow()
                .output();
    }
}
