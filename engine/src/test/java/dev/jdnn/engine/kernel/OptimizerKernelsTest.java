package dev.jdnn.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.Tolerance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The optimizer kernels: the vector twin agrees with the scalar one bit for bit (same operations, fma in the same
 * places); one step of the scalar kernel agrees with the formula evaluated in double within the f32 error bound of
 * its roundings; the tensor entry checks its arguments and splits the work without changing a bit.
 */
class OptimizerKernelsTest {

    /**
     * Roundings on the longest path of one update, counted from the formulas in {@link OptimizerKernels}: for SGD the
     * four rounded hyper-parameters plus at most five operations; for Adam the rounded scalars (1 − β1, β2, 1 − β2,
     * sqrt(bc2), eps, step size: 6) plus lerp (2), the second moment (4), sqrt, divide, add (3) and the update (3).
     * The γ(n)·magnitude bound with that n: {@link Tolerance#reductionBound} counts n = length + 2.
     */
    private static final int SGD_ROUNDINGS = 9;
    private static final int ADAM_ROUNDINGS = 18;

    private static final List<SgdCoefficients> SGD_CASES = List.of(
            SgdCoefficients.of(0.1, 0, 0, 0, false, false),
            SgdCoefficients.of(0.1, 0, 0, 1e-2, false, false),
            SgdCoefficients.of(0.05, 0.9, 0, 1e-3, false, true),
            SgdCoefficients.of(0.05, 0.9, 0.1, 1e-3, false, false),
            SgdCoefficients.of(0.05, 0.9, 0, 0, true, true),
            SgdCoefficients.of(0.05, 0.9, 0, 5e-4, true, false));

    private static final List<AdamCoefficients> ADAM_CASES = List.of(
            AdamCoefficients.of(1e-3, 0.9, 0.999, 1e-8, 0, false, 1),
            AdamCoefficients.of(1e-2, 0.9, 0.999, 1e-8, 1e-2, false, 3),
            AdamCoefficients.of(1e-2, 0.9, 0.99, 1e-6, 1e-2, true, 7),
            AdamCoefficients.of(1e-2, 0.3, 0.9, 1e-3, 0, true, 2)); // 1 − β1 = 0.7: lerp's large-weight branch

    private static boolean momentum(SgdCoefficients c) {
        return c.momentum() != 0f;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 15, 16, 17, 31, 33, 127, 257, 4098})
    void vectorSgdMatchesTheScalarOneBitForBit(int length) {
        OptimizerKernels simd = Vectorization.loadSimd(OptimizerKernels.class, "SimdOptimizerKernels");
        Assumptions.assumeTrue(simd != null, "Vector API unavailable");
        OptimizerKernels scalar = new ScalarOptimizerKernels();
        try (Arena arena = Arena.ofConfined()) {
            for (int k = 0; k < SGD_CASES.size(); k++) {
                SgdCoefficients c = SGD_CASES.get(k);
                float[] param = RandomData.uniform(length * 11L + k, length);
                float[] grad = RandomData.uniform(length * 13L + k, length);
                float[] buffer = RandomData.uniform(length * 17L + k, length);
                MemorySegment[] expected = segments(arena, param, buffer);
                MemorySegment[] actual = segments(arena, param, buffer);
                MemorySegment g = arena.allocateFrom(ValueLayout.JAVA_FLOAT, grad);
                // Two calls split at an odd point: offsets and tails inside the range must not matter.
                int split = length / 3;
                for (int[] range : new int[][] {{0, split}, {split, length - split}}) {
                    scalar.sgd(expected[0], g, momentum(c) ? expected[1] : null, c, range[0], range[1]);
                    simd.sgd(actual[0], g, momentum(c) ? actual[1] : null, c, range[0], range[1]);
                }
                assertSame(expected, actual, "sgd case " + k + ", length " + length);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 15, 16, 17, 31, 33, 127, 257, 4098})
    void vectorAdamMatchesTheScalarOneBitForBit(int length) {
        OptimizerKernels simd = Vectorization.loadSimd(OptimizerKernels.class, "SimdOptimizerKernels");
        Assumptions.assumeTrue(simd != null, "Vector API unavailable");
        OptimizerKernels scalar = new ScalarOptimizerKernels();
        try (Arena arena = Arena.ofConfined()) {
            for (int k = 0; k < ADAM_CASES.size(); k++) {
                AdamCoefficients c = ADAM_CASES.get(k);
                float[] param = RandomData.uniform(length * 11L + k, length);
                float[] grad = RandomData.uniform(length * 13L + k, length);
                float[] expAvg = RandomData.uniform(length * 17L + k, length, -0.1f, 0.1f);
                float[] expAvgSq = RandomData.uniform(length * 19L + k, length, 0f, 0.01f);
                MemorySegment[] expected = segments(arena, param, expAvg, expAvgSq);
                MemorySegment[] actual = segments(arena, param, expAvg, expAvgSq);
                MemorySegment g = arena.allocateFrom(ValueLayout.JAVA_FLOAT, grad);
                int split = length / 3;
                for (int[] range : new int[][] {{0, split}, {split, length - split}}) {
                    scalar.adam(expected[0], g, expected[1], expected[2], c, range[0], range[1]);
                    simd.adam(actual[0], g, actual[1], actual[2], c, range[0], range[1]);
                }
                assertSame(expected, actual, "adam case " + k + ", length " + length);
            }
        }
    }

    @Test
    void sgdStepAgreesWithTheFormulaInDouble() {
        OptimizerKernels scalar = new ScalarOptimizerKernels();
        double[][] hyper = { // lr, momentum, dampening, weight decay, nesterov (1/0), first step (1/0)
                {0.1, 0, 0, 0, 0, 0}, {0.1, 0, 0, 1e-2, 0, 0}, {0.05, 0.9, 0, 1e-3, 0, 1},
                {0.05, 0.9, 0.1, 1e-3, 0, 0}, {0.05, 0.9, 0, 0, 1, 1}, {0.05, 0.9, 0, 5e-4, 1, 0}};
        int length = 257;
        try (Arena arena = Arena.ofConfined()) {
            for (int k = 0; k < hyper.length; k++) {
                double lr = hyper[k][0];
                double mu = hyper[k][1];
                double dampening = hyper[k][2];
                double wd = hyper[k][3];
                boolean nesterov = hyper[k][4] != 0;
                boolean first = hyper[k][5] != 0;
                float[] param = RandomData.uniform(31L + k, length);
                float[] grad = RandomData.uniform(37L + k, length);
                float[] buffer = RandomData.uniform(41L + k, length);
                MemorySegment[] state = segments(arena, param, buffer);
                scalar.sgd(state[0], arena.allocateFrom(ValueLayout.JAVA_FLOAT, grad), mu != 0 ? state[1] : null,
                        SgdCoefficients.of(lr, mu, dampening, wd, nesterov, first), 0, length);
                double[] expected = new double[length];
                double[] magnitude = new double[length];
                for (int i = 0; i < length; i++) {
                    // Each value beside its magnitude: the same formula over absolute values.
                    double g = grad[i] + wd * param[i];
                    double gMag = Math.abs(grad[i]) + wd * Math.abs(param[i]);
                    if (mu != 0) {
                        double buf = first ? g : mu * buffer[i] + (1 - dampening) * g;
                        double bufMag = first ? gMag : mu * Math.abs(buffer[i]) + (1 - dampening) * gMag;
                        g = nesterov ? g + mu * buf : buf;
                        gMag = nesterov ? gMag + mu * bufMag : bufMag;
                    }
                    expected[i] = param[i] - lr * g;
                    magnitude[i] = Math.abs(param[i]) + lr * gMag;
                }
                Tolerance.assertWithinReductionBound(expected, magnitude, state[0].toArray(ValueLayout.JAVA_FLOAT),
                        SGD_ROUNDINGS - 2, "sgd case " + k);
            }
        }
    }

    @Test
    void adamStepAgreesWithTheFormulaInDouble() {
        OptimizerKernels scalar = new ScalarOptimizerKernels();
        double[][] hyper = { // lr, β1, β2, eps, weight decay, decoupled (1/0), step
                {1e-3, 0.9, 0.999, 1e-8, 0, 0, 1}, {1e-2, 0.9, 0.999, 1e-8, 1e-2, 0, 3},
                {1e-2, 0.9, 0.99, 1e-6, 1e-2, 1, 7}, {1e-2, 0.3, 0.9, 1e-3, 0, 1, 2}};
        int length = 257;
        try (Arena arena = Arena.ofConfined()) {
            for (int k = 0; k < hyper.length; k++) {
                double lr = hyper[k][0];
                double beta1 = hyper[k][1];
                double beta2 = hyper[k][2];
                double eps = hyper[k][3];
                double wd = hyper[k][4];
                boolean decoupled = hyper[k][5] != 0;
                int step = (int) hyper[k][6];
                float[] param = RandomData.uniform(43L + k, length);
                float[] grad = RandomData.uniform(47L + k, length);
                float[] expAvg = RandomData.uniform(53L + k, length, -0.1f, 0.1f);
                float[] expAvgSq = RandomData.uniform(59L + k, length, 0f, 0.01f);
                MemorySegment[] state = segments(arena, param, expAvg, expAvgSq);
                scalar.adam(state[0], arena.allocateFrom(ValueLayout.JAVA_FLOAT, grad), state[1], state[2],
                        AdamCoefficients.of(lr, beta1, beta2, eps, wd, decoupled, step), 0, length);
                double[] expected = new double[length];
                double[] magnitude = new double[length];
                for (int i = 0; i < length; i++) {
                    double p = decoupled ? param[i] * (1 - lr * wd) : param[i];
                    double g = decoupled ? grad[i] : grad[i] + wd * param[i];
                    double gMag = Math.abs(g) + (decoupled ? 0 : wd * Math.abs(param[i]));
                    double m = beta1 * expAvg[i] + (1 - beta1) * g;
                    double mMag = Math.abs(expAvg[i]) + gMag; // lerp's g − m reaches |g| + |m|
                    double v = beta2 * expAvgSq[i] + (1 - beta2) * g * g;
                    double mHat = m / (1 - Math.pow(beta1, step));
                    double denom = Math.sqrt(v / (1 - Math.pow(beta2, step))) + eps;
                    expected[i] = p - lr * mHat / denom;
                    // The update's relative error (from the denominator's roundings) scales with |lr·m̂/denom|.
                    magnitude[i] = Math.abs(param[i]) + lr * mMag / (1 - Math.pow(beta1, step)) / denom;
                }
                Tolerance.assertWithinReductionBound(expected, magnitude, state[0].toArray(ValueLayout.JAVA_FLOAT),
                        ADAM_ROUNDINGS - 2, "adam case " + k);
            }
        }
    }

    @Test
    void tensorEntryMatchesTheKernelOverManyChunks() {
        int length = 3 * Activations.CHUNK_ELEMENTS + 17;
        float[] param = RandomData.uniform(61, length);
        float[] grad = RandomData.uniform(67, length);
        AdamCoefficients adam = AdamCoefficients.of(1e-2, 0.9, 0.999, 1e-8, 1e-2, true, 1);
        SgdCoefficients sgd = SgdCoefficients.of(0.1, 0.9, 0, 1e-4, true, true);
        try (Arena arena = Arena.ofConfined();
             Tensor p = Tensor.of(param, length); Tensor g = Tensor.of(grad, length);
             Tensor m = Tensor.allocate(length); Tensor v = Tensor.allocate(length);
             Tensor buffer = Tensor.allocate(length)) {
            OptimizerKernels kernels = Vectorization.load(OptimizerKernels.class, "SimdOptimizerKernels",
                    ScalarOptimizerKernels::new);
            MemorySegment[] expected = segments(arena, param, new float[length], new float[length], new float[length]);
            MemorySegment gs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, grad);
            kernels.adam(expected[0], gs, expected[1], expected[2], adam, 0, length);
            kernels.sgd(expected[0], gs, expected[3], sgd, 0, length);
            OptimizerSteps.adam(p, g, m, v, adam);
            OptimizerSteps.sgd(p, g, buffer, sgd);
            MemorySegment[] actual = {p.segment(), m.segment(), v.segment(), buffer.segment()};
            assertSame(expected, actual, "tensor entry, " + length + " elements");
        }
    }

    @Test
    void tensorEntryRefusesMismatchedShapesAndSharedMemory() {
        SgdCoefficients sgd = SgdCoefficients.of(0.1, 0, 0, 0, false, false);
        AdamCoefficients adam = AdamCoefficients.of(1e-3, 0.9, 0.999, 1e-8, 0, false, 1);
        try (Tensor p = Tensor.allocate(2, 3); Tensor g = Tensor.allocate(3, 2); Tensor good = Tensor.allocate(2, 3);
             Tensor m = Tensor.allocate(2, 3)) {
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                    () -> OptimizerSteps.sgd(p, g, null, sgd));
            assertTrue(shape.getMessage().contains("sgd: grad"), shape.getMessage());
            IllegalArgumentException shared = assertThrows(IllegalArgumentException.class,
                    () -> OptimizerSteps.adam(p, good, m, m, adam));
            assertTrue(shared.getMessage().contains("exp_avg_sq must not share memory with exp_avg"),
                    shared.getMessage());
            IllegalArgumentException inPlace = assertThrows(IllegalArgumentException.class,
                    () -> OptimizerSteps.sgd(p, p, null, sgd));
            assertTrue(inPlace.getMessage().contains("sgd: grad must not share memory with param"),
                    inPlace.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> AdamCoefficients.of(1e-3, 0.9, 0.999, 1e-8, 0, false, 0));
    }

    private static MemorySegment[] segments(Arena arena, float[]... values) {
        MemorySegment[] segments = new MemorySegment[values.length];
        for (int j = 0; j < values.length; j++) {
            segments[j] = arena.allocateFrom(ValueLayout.JAVA_FLOAT, values[j]);
        }
        return segments;
    }

    private static void assertSame(MemorySegment[] expected, MemorySegment[] actual, String what) {
        String[] names = {"param", "state 1", "state 2", "state 3"};
        for (int j = 0; j < expected.length; j++) {
            Tolerance.assertBitsEqual(expected[j].toArray(ValueLayout.JAVA_FLOAT),
                    actual[j].toArray(ValueLayout.JAVA_FLOAT), what + ": " + names[j]);
        }
    }
}
