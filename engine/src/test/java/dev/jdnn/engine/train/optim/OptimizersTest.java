package dev.jdnn.engine.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.nn.Parameter;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.Tolerance;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SGD, Adam and AdamW on a small quadratic: after 1, 2 and 5 steps every element equals, bit for bit, PyTorch's
 * single-tensor optimizer replayed op by op ({@link TorchOptimizers}), which performs the same f32 operations one
 * whole tensor at a time; a few hand-computed values pin the formulas themselves.
 */
class OptimizersTest {

    private static final int[] CHECKED_STEPS = {1, 2, 5};

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 17, 257})
    void sgdVariantsMatchPyTorchBitForBit(int length) {
        double[][] variants = { // lr, momentum, dampening, weight decay, nesterov (1/0)
                {0.1, 0, 0, 0, 0}, {0.1, 0, 0, 0.01, 0}, {0.05, 0.9, 0, 0, 0}, {0.05, 0.9, 0.2, 1e-3, 0},
                {0.05, 0.9, 0, 5e-4, 1}};
        for (double[] v : variants) {
            String what = "SGD(lr=" + v[0] + ", momentum=" + v[1] + ", dampening=" + v[2] + ", weight_decay=" + v[3]
                    + ", nesterov=" + (v[4] != 0) + "), length " + length;
            compareWithTorch(length, what,
                    params -> new Sgd(params, v[0], v[1], v[2], v[3], v[4] != 0),
                    () -> new TorchOptimizers.Sgd(v[0], v[1], v[2], v[3], v[4] != 0)::step);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 17, 257})
    void adamAndAdamWMatchPyTorchBitForBit(int length) {
        double[][] variants = { // lr, β1, β2, eps, weight decay, decoupled (1/0)
                {1e-2, 0.9, 0.999, 1e-8, 0, 0}, {1e-2, 0.9, 0.999, 1e-8, 0.1, 0}, {1e-2, 0.9, 0.999, 1e-8, 0.1, 1},
                {0.1, 0.3, 0.9, 1e-3, 0.01, 1}};
        for (double[] v : variants) {
            boolean decoupled = v[5] != 0;
            String what = (decoupled ? "AdamW" : "Adam") + "(lr=" + v[0] + ", betas=(" + v[1] + ", " + v[2]
                    + "), eps=" + v[3] + ", weight_decay=" + v[4] + "), length " + length;
            compareWithTorch(length, what,
                    params -> decoupled
                            ? new AdamW(params, v[0], v[1], v[2], v[3], v[4])
                            : new Adam(params, v[0], v[1], v[2], v[3], v[4]),
                    () -> new TorchOptimizers.Adam(v[0], v[1], v[2], v[3], v[4], decoupled)::step);
        }
    }

    private interface TorchStep {
        float[] step(float[] param, float[] grad);
    }

    private static void compareWithTorch(int length, String what, Function<List<Parameter>, Optimizer> create,
                                         java.util.function.Supplier<TorchStep> torch) {
        Quadratic loss = new Quadratic(length, length);
        float[] expected = RandomData.uniform(length + 7L, length, -2f, 2f);
        TorchStep reference = torch.get();
        try (Parameter parameter = Quadratic.parameter("w", expected); Optimizer optimizer = create.apply(
                List.of(parameter))) {
            int checked = 0;
            for (int step = 1; step <= CHECKED_STEPS[CHECKED_STEPS.length - 1]; step++) {
                expected = reference.step(expected, loss.gradient(expected));
                loss.backward(parameter);
                optimizer.step();
                optimizer.zeroGrad();
                if (step == CHECKED_STEPS[checked]) {
                    Tolerance.assertBitsEqual(expected, parameter.value().toFloatArray(), what + " after " + step
                            + " steps");
                    checked++;
                }
            }
        }
    }

    @Test
    void sgdMomentumByHand() {
        // loss p², grad 2p, p0 = 1, lr 0.1, momentum 0.9:
        // step 1: g = 2, buf = 2, p = 1 − 0.1·2 = 0.8; step 2: g = 1.6, buf = 0.9·2 + 1.6 = 3.4, p = 0.8 − 0.34 = 0.46
        // Nesterov step 1: g = 2 + 0.9·2 = 3.8, p = 1 − 0.38 = 0.62
        assertSteps(new double[] {0.8, 0.46}, params -> new Sgd(params, 0.1, 0.9, 0, 0, false));
        assertSteps(new double[] {0.62}, params -> new Sgd(params, 0.1, 0.9, 0, 0, true));
        // Weight decay 0.5 adds 0.5·p: step 1 g = 2 + 0.5 = 2.5, p = 1 − 0.25 = 0.75
        assertSteps(new double[] {0.75}, params -> new Sgd(params, 0.1, 0, 0, 0.5, false));
    }

    @Test
    void adamByHand() {
        // Step 1 of Adam: m̂ = g and v̂ = g², so p = p0 − lr·g / (|g| + eps): 1 − 0.1·2/(2 + 1e-8) = 0.9 (to f32).
        assertSteps(new double[] {1 - 0.1 * 2 / (2 + 1e-8)}, params -> new Adam(params, 0.1));
        // AdamW with wd 0.5 first scales p by 1 − 0.1·0.5 = 0.95, then the same step on the plain gradient 2:
        // 0.95 − 0.1 = 0.85.
        assertSteps(new double[] {0.95 - 0.1 * 2 / (2 + 1e-8)},
                params -> new AdamW(params, 0.1, 0.9, 0.999, 1e-8, 0.5));
    }

    /** Runs the optimizer on loss p² from p = 1 and checks p after each step within 4 ulp (a handful of roundings). */
    private static void assertSteps(double[] expected, Function<List<Parameter>, Optimizer> create) {
        try (Parameter p = Quadratic.parameter("p", new float[] {1f}); Optimizer optimizer = create.apply(
                List.of(p))) {
            for (int step = 0; step < expected.length; step++) {
                Quadratic.setGrad(p, new float[] {2 * p.value().toFloatArray()[0]});
                optimizer.step();
                Tolerance.assertWithinUlps(new double[] {expected[step]}, p.value().toFloatArray(), 4, 0,
                        "step " + (step + 1));
            }
        }
    }

    @Test
    void parametersWithoutGradientAreSkippedAndCountTheirOwnSteps() {
        float[] aValues = RandomData.uniform(71, 7);
        float[] bValues = RandomData.uniform(73, 5);
        Quadratic lossA = new Quadratic(75, 7);
        Quadratic lossB = new Quadratic(77, 5);
        try (Parameter a = Quadratic.parameter("a", aValues); Parameter b = Quadratic.parameter("b", bValues);
             Adam adam = new Adam(List.of(a, b), 0.01)) {
            TorchOptimizers.Adam torchA = new TorchOptimizers.Adam(0.01, 0.9, 0.999, 1e-8, 0, false);
            TorchOptimizers.Adam torchB = new TorchOptimizers.Adam(0.01, 0.9, 0.999, 1e-8, 0, false);
            lossA.backward(a);
            adam.step();
            adam.zeroGrad();
            aValues = torchA.step(aValues, lossA.gradient(aValues));
            Tolerance.assertBitsEqual(bValues, b.value().toFloatArray(), "b had no gradient: unchanged");
            assertEquals(List.of("a.exp_avg", "a.exp_avg_sq"), List.copyOf(adam.stateTensors().keySet()));
            assertFalse(adam.stateScalars().containsKey("b.step"));

            lossA.backward(a);
            lossB.backward(b);
            adam.step();
            aValues = torchA.step(aValues, lossA.gradient(aValues));
            bValues = torchB.step(bValues, lossB.gradient(bValues)); // b's first step: its own bias correction
            Tolerance.assertBitsEqual(aValues, a.value().toFloatArray(), "a after 2 steps");
            Tolerance.assertBitsEqual(bValues, b.value().toFloatArray(), "b after its first step");
            assertEquals("2", adam.stateScalars().get("a.step"));
            assertEquals("1", adam.stateScalars().get("b.step"));
        }
    }

    @Test
    void sgdWithoutGradientKeepsNoBuffer() {
        try (Parameter a = Quadratic.parameter("a", new float[] {1, 2}); Parameter b = Quadratic.parameter("b",
                new float[] {3}); Sgd sgd = new Sgd(List.of(a, b), 0.1, 0.9, 0, 0, false)) {
            Quadratic.setGrad(a, new float[] {1, 1});
            sgd.step();
            assertEquals(List.of("a.momentum_buffer"), List.copyOf(sgd.stateTensors().keySet()));
            Tolerance.assertBitsEqual(new float[] {3}, b.value().toFloatArray(), "b unchanged");
        }
    }

    @Test
    void zeroGradForgetsEveryGradient() {
        try (Parameter a = Quadratic.parameter("a", new float[] {1}); Sgd sgd = new Sgd(List.of(a), 0.1)) {
            Quadratic.setGrad(a, new float[] {1});
            sgd.zeroGrad();
            assertEquals(null, a.grad());
            sgd.step();
            Tolerance.assertBitsEqual(new float[] {1}, a.value().toFloatArray(), "no gradient, no step");
        }
    }

    @Test
    void learningRateIsSetAndChecked() {
        try (Parameter a = Quadratic.parameter("a", new float[] {1}); Sgd sgd = new Sgd(List.of(a), 0.1)) {
            sgd.setLearningRate(0.5);
            assertEquals(0.5, sgd.learningRate());
            Quadratic.setGrad(a, new float[] {1});
            sgd.step();
            Tolerance.assertBitsEqual(new float[] {0.5f}, a.value().toFloatArray(), "1 − 0.5·1");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sgd.setLearningRate(-1));
            assertTrue(e.getMessage().startsWith("SGD: Invalid learning rate: -1.0"), e.getMessage());
        }
    }

    @Test
    void closedOptimizerRefusesToStep() {
        try (Parameter a = Quadratic.parameter("a", new float[] {1})) {
            Adam adam = new Adam(List.of(a), 0.1);
            Quadratic.setGrad(a, new float[] {1});
            adam.step();
            adam.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, adam::step);
            assertTrue(e.getMessage().contains("Adam is closed"), e.getMessage());
        }
    }
}
