package dev.jdnn.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.autograd.Trace;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeNet5Test {

    @Test
    void lenet5For28x28HasTheIssuesShapesAndCounts() {
        Module model = Module.shapeOnly(() -> Models.create("lenet5_28", 10));
        Trace trace = model.trace(Shape.of(1, 1, 28, 28));
        // conv 6@5x5: 6·25 + 6 = 156; conv 16@5x5: 16·6·25 + 16 = 2,416; fc 256→120: 30,840; 120→84: 10,164;
        // 84→10: 850. Total 44,426.
        assertEquals(44_426, trace.parameters());
        assertEquals(44_426, model.parameterCount());
        List<Trace.Layer> layers = trace.layers();
        assertEquals(Shape.of(1, 6, 24, 24), layers.get(0).output());
        assertEquals("features.0", layers.get(0).name());
        assertEquals(Shape.of(1, 6, 12, 12), layers.get(2).output());
        assertEquals(Shape.of(1, 16, 8, 8), layers.get(3).output());
        assertEquals(Shape.of(1, 16, 4, 4), layers.get(5).output());
        assertEquals(Shape.of(1, 256), layers.get(6).output());
        assertEquals(Shape.of(1, 10), layers.getLast().output());
        assertEquals("classifier.5", layers.getLast().name());
        // MACs: 6·25·24·24 = 86,400; 16·150·8·8 = 153,600; 256·120 + 120·84 + 84·10 = 41,640.
        assertEquals(86_400 + 153_600 + 41_640, trace.macs());
    }

    @Test
    void classicLenet5Has61706Parameters() {
        // conv1 156; conv2 2,416; fc 400→120 48,120; 120→84 10,164; 84→10 850.
        Module model = Module.shapeOnly(() -> Models.create("lenet5", 10));
        assertEquals(61_706, model.parameterCount());
    }

    @Test
    void stateDictKeysFollowTheModuleTree() {
        try (Module model = Models.create("lenet5_28", 10)) {
            assertEquals(List.of("features.0.weight", "features.0.bias", "features.3.weight", "features.3.bias",
                    "classifier.1.weight", "classifier.1.bias", "classifier.3.weight", "classifier.3.bias",
                    "classifier.5.weight", "classifier.5.bias"), List.copyOf(model.stateDict().keySet()));
        }
    }

    @Test
    void unknownModelsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.create("lenet6", 10));
        assertTrue(e.getMessage().startsWith("no model named 'lenet6'; known: lenet5, lenet5_28"), e.getMessage());
    }
}
