package dev.jdnn.engine.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.nn.Parameter;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.Tolerance;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Checkpoint state: a copy taken through stateTensors/stateScalars and loaded into a fresh optimizer continues
 * training bit for bit; loadState refuses, naming each key, what does not fit; bad hyper-parameters fail with
 * PyTorch's messages.
 */
class OptimizerStateTest {

    @Test
    void sgdStateRoundTripContinuesBitForBit() {
        assertRoundTrip(params -> new Sgd(params, 0.05, 0.9, 0, 1e-3, true));
    }

    @Test
    void adamStateRoundTripContinuesBitForBit() {
        assertRoundTrip(params -> new Adam(params, 0.01, 0.9, 0.999, 1e-8, 1e-2));
    }

    @Test
    void adamWStateRoundTripContinuesBitForBit() {
        assertRoundTrip(params -> new AdamW(params, 0.01));
    }

    /** Trains 3 steps, copies the state into a new optimizer over copied parameters, then trains both 2 more. */
    private static void assertRoundTrip(Function<List<Parameter>, Optimizer> create) {
        Quadratic lossA = new Quadratic(81, 17);
        Quadratic lossB = new Quadratic(83, 3);
        float[] a0 = RandomData.uniform(85, 17);
        float[] b0 = RandomData.uniform(87, 3);
        try (Parameter a = Quadratic.parameter("layer.weight", a0); Parameter b = Quadratic.parameter("layer.bias",
                b0); Optimizer original = create.apply(List.of(a, b))) {
            for (int step = 0; step < 3; step++) {
                lossA.backward(a);
                lossB.backward(b);
                original.step();
                original.zeroGrad();
            }
            original.setLearningRate(original.learningRate() * 0.5);
            Map<String, Tensor> savedTensors = new LinkedHashMap<>();
            original.stateTensors().forEach((key, tensor) -> savedTensors.put(key, tensor.copy()));
            Map<String, String> savedScalars = Map.copyOf(original.stateScalars());
            try (Parameter a2 = Quadratic.parameter("layer.weight", a.value().toFloatArray());
                 Parameter b2 = Quadratic.parameter("layer.bias", b.value().toFloatArray());
                 Optimizer resumed = create.apply(List.of(a2, b2))) {
                resumed.loadState(savedTensors, savedScalars);
                savedTensors.values().forEach(Tensor::close); // loadState copied them
                assertEquals(original.learningRate(), resumed.learningRate());
                for (int step = 0; step < 2; step++) {
                    lossA.backward(a);
                    lossB.backward(b);
                    original.step();
                    lossA.backward(a2);
                    lossB.backward(b2);
                    resumed.step();
                }
                Tolerance.assertBitsEqual(a.value().toFloatArray(), a2.value().toFloatArray(), "weight after resume");
                Tolerance.assertBitsEqual(b.value().toFloatArray(), b2.value().toFloatArray(), "bias after resume");
                assertEquals(original.stateScalars(), resumed.stateScalars());
            }
        }
    }

    @Test
    void loadStateNamesEveryMismatch() {
        try (Parameter w = Quadratic.parameter("fc.weight", new float[6]);
             Parameter bias = Quadratic.parameter("fc.bias", new float[2]);
             Adam adam = new Adam(List.of(w, bias), 0.1);
             Tensor wrongShape = Tensor.allocate(2, 3); Tensor good = Tensor.allocate(2);
             Tensor stray = Tensor.allocate(2)) {
            Map<String, Tensor> tensors = new HashMap<>();
            tensors.put("fc.weight.exp_avg", wrongShape);
            tensors.put("fc.weight.exp_avg_sq", wrongShape);
            tensors.put("fc.bias.exp_avg", good); // exp_avg_sq missing
            tensors.put("conv.weight.exp_avg", stray);
            Map<String, String> scalars = Map.of("fc.weight.step", "zero", "momentum", "0.9");
            String message = assertThrows(IllegalArgumentException.class, () -> adam.loadState(tensors, scalars))
                    .getMessage();
            for (String expected : List.of("fc.weight.exp_avg: expected shape (6) (the parameter's), got (2, 3)",
                    "fc.weight.step: expected a positive integer, got 'zero'",
                    "fc.bias.exp_avg_sq missing while fc.bias.exp_avg is given",
                    "unexpected state tensor conv.weight.exp_avg", "unexpected state scalar momentum")) {
                assertTrue(message.contains(expected), "missing '" + expected + "' in: " + message);
            }
            assertTrue(adam.stateTensors().isEmpty(), "a refused load changes nothing");

            String noStep = assertThrows(IllegalArgumentException.class, () -> adam.loadState(
                    Map.of("fc.bias.exp_avg", good, "fc.bias.exp_avg_sq", stray), Map.of())).getMessage();
            assertTrue(noStep.contains("fc.bias.step missing"), noStep);
            String badRate = assertThrows(IllegalArgumentException.class,
                    () -> adam.loadState(Map.of(), Map.of("lr", "-0.5"))).getMessage();
            assertTrue(badRate.contains("Invalid learning rate: -0.5"), badRate);
        }
    }

    @Test
    void unnamedParametersAreKeyedByIndex() {
        try (Parameter first = Quadratic.parameter(null, new float[] {1}); Parameter second =
                Quadratic.parameter(null, new float[] {2}); Sgd sgd = new Sgd(List.of(first, second), 0.1, 0.5, 0, 0,
                false)) {
            Quadratic.setGrad(second, new float[] {1});
            sgd.step();
            assertEquals(List.of("1.momentum_buffer"), List.copyOf(sgd.stateTensors().keySet()));
        }
    }

    @Test
    void badHyperParametersFailWithPyTorchsMessages() {
        try (Parameter p = Quadratic.parameter("p", new float[] {1})) {
            List<Parameter> params = List.of(p);
            assertMessage("SGD: Invalid learning rate: -0.1", () -> new Sgd(params, -0.1));
            assertMessage("SGD: Invalid momentum value: -0.9", () -> new Sgd(params, 0.1, -0.9, 0, 0, false));
            assertMessage("SGD: Invalid weight_decay value: -1.0", () -> new Sgd(params, 0.1, 0, 0, -1, false));
            assertMessage("SGD: Nesterov momentum requires a momentum and zero dampening",
                    () -> new Sgd(params, 0.1, 0, 0, 0, true));
            assertMessage("SGD: Nesterov momentum requires a momentum and zero dampening",
                    () -> new Sgd(params, 0.1, 0.9, 0.1, 0, true));
            assertMessage("Adam: Invalid learning rate: NaN", () -> new Adam(params, Double.NaN));
            assertMessage("Adam: Invalid epsilon value: -1.0E-8", () -> new Adam(params, 0.1, 0.9, 0.999, -1e-8, 0));
            assertMessage("Adam: Invalid beta parameter at index 0: 1.0",
                    () -> new Adam(params, 0.1, 1.0, 0.999, 1e-8, 0));
            assertMessage("AdamW: Invalid beta parameter at index 1: -0.5",
                    () -> new AdamW(params, 0.1, 0.9, -0.5, 1e-8, 0));
            assertMessage("AdamW: Invalid weight_decay value: -0.01",
                    () -> new AdamW(params, 0.1, 0.9, 0.999, 1e-8, -0.01));
            assertMessage("SGD: optimizer got an empty parameter list", () -> new Sgd(List.of(), 0.1));
            assertMessage("appears twice in the list", () -> new Sgd(List.of(p, p), 0.1));
            Parameter shapeOnly = Parameter.shapeOnly(Shape.of(3));
            assertMessage("is shape-only", () -> new Adam(List.of(shapeOnly), 0.1));
        }
    }

    private static void assertMessage(String expected, Executable executable) {
        String message = assertThrows(IllegalArgumentException.class, executable).getMessage();
        assertTrue(message.contains(expected), "expected '" + expected + "' in: " + message);
    }
}
