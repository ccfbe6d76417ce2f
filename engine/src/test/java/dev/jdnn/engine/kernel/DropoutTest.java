package dev.jdnn.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.Tolerance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dropout against a reference that draws its mask from {@link SplittableRandom} in sequence (the generator the kernels
 * reproduce by position) and applies {@code y = x · noise} in double. Tolerances: a product of two floats is exact in
 * double, so the reference rounded to f32 must match bit for bit; against the ideal {@code x / (1 − p)} a kept element
 * is within 2 ulp (the scale and the product are rounded once each, each a relative error of at most 2⁻²⁴).
 */
class DropoutTest {

    static DropoutKernels kernels(String implementation) {
        if (implementation.equals("scalar")) {
            return new ScalarDropoutKernels();
        }
        DropoutKernels simd = Vectorization.loadSimd(DropoutKernels.class, "SimdDropoutKernels");
        Assumptions.assumeTrue(simd != null, "Vector API unavailable");
        return simd;
    }

    /** The keep decisions for {@code (seed, call)}, drawn in sequence as {@link DropoutRandom} documents. */
    static boolean[] referenceMask(long seed, long call, double p, int count) {
        SplittableRandom calls = new SplittableRandom(seed);
        long key = 0;
        for (long c = 0; c <= call; c++) {
            key = calls.nextLong();
        }
        SplittableRandom draws = new SplittableRandom(key);
        BigDecimal threshold = new BigDecimal(p).multiply(BigDecimal.valueOf(1L << 32));
        boolean[] kept = new boolean[count];
        for (int i = 0; i < count; i += 2) {
            long draw = draws.nextLong();
            kept[i] = BigDecimal.valueOf(draw >>> 32).compareTo(threshold) >= 0;
            if (i + 1 < count) {
                kept[i + 1] = BigDecimal.valueOf(draw & 0xffff_ffffL).compareTo(threshold) >= 0;
            }
        }
        return kept;
    }

    static float[] referenceApply(float[] x, boolean[] kept, double p) {
        float scale = p == 1 ? 0f : (float) (1 / (1 - p));
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) ((double) x[i] * (kept[i] ? scale : 0f));
        }
        return y;
    }

    static Stream<Arguments> cases() {
        int[] counts = {1, 2, 3, 7, 15, 16, 17, 31, 33, 63, 64, 65, 127, 257, 1000};
        double[] probabilities = {0.5, 0.1, 0.9, 0, 1, 1.0 / 3};
        List<Arguments> cases = new ArrayList<>();
        for (String implementation : List.of("scalar", "simd")) {
            int index = 0;
            for (int count : counts) {
                cases.add(Arguments.of(implementation, count, probabilities[index++ % probabilities.length]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} count={1} p={2}")
    @MethodSource("cases")
    void kernelsMatchTheSequentialGenerator(String implementation, int count, double p) {
        DropoutKernels kernels = kernels(implementation);
        long seed = 1234 + count;
        long call = count % 3;
        float[] x = RandomData.uniform(seed, count);
        float[] dy = RandomData.uniform(seed + 1, count);
        boolean[] kept = referenceMask(seed, call, p, count);
        float[] expectedY = referenceApply(x, kept, p);
        float[] expectedDx = referenceApply(dy, kept, p);
        String what = implementation + " count " + count + " p " + p;
        long key = DropoutRandom.callKey(seed, call);
        long threshold = DropoutRandom.threshold(p);
        float scale = Dropout.scale(p);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, x);
            MemorySegment dys = arena.allocateFrom(ValueLayout.JAVA_FLOAT, dy);
            MemorySegment ys = arena.allocate(ValueLayout.JAVA_FLOAT, count);
            MemorySegment dxs = arena.allocate(ValueLayout.JAVA_FLOAT, count);
            int words = (count + 63) / 64;
            MemorySegment mask = arena.allocate(ValueLayout.JAVA_LONG, words);
            mask.fill((byte) -1);
            // The first word alone, then the rest: a split must not change the mask.
            long first = Math.min(64, count);
            kernels.forward(xs, ys, mask, key, threshold, scale, 0, first);
            kernels.forward(xs, ys, mask, key, threshold, scale, first, count - first);
            for (int i = 0; i < words * 64; i++) {
                boolean bit = (mask.getAtIndex(ValueLayout.JAVA_LONG, i >>> 6) >>> (i & 63) & 1) != 0;
                assertEquals(i < count && kept[i], bit, what + ": mask bit " + i);
            }
            Tolerance.assertBitsEqual(expectedY, ys.toArray(ValueLayout.JAVA_FLOAT), what + " y");
            kernels.backward(dys, mask, dxs, scale, 0, count);
            Tolerance.assertBitsEqual(expectedDx, dxs.toArray(ValueLayout.JAVA_FLOAT), what + " dx");
            kernels.backward(dys, mask, dys, scale, 0, count); // in place
            Tolerance.assertBitsEqual(expectedDx, dys.toArray(ValueLayout.JAVA_FLOAT), what + " dx in place");
        }
        double[] ideal = new double[count];
        for (int i = 0; i < count; i++) {
            ideal[i] = kept[i] ? x[i] / (1 - p) : 0;
        }
        Tolerance.assertWithinUlps(ideal, expectedY, 2, 0, what + " against x / (1 - p)");
    }

    @Test
    void callKeysAreTheSeededGeneratorsOutputs() {
        SplittableRandom random = new SplittableRandom(-7);
        for (int call = 0; call < 5; call++) {
            assertEquals(random.nextLong(), DropoutRandom.callKey(-7, call), "call " + call);
        }
        assertEquals(0, DropoutRandom.threshold(0));
        assertEquals(1L << 32, DropoutRandom.threshold(1));
        assertEquals(1L << 31, DropoutRandom.threshold(0.5));
    }

    @Test
    void keepsAboutOneMinusPAndCallsDiffer() {
        int count = 100_000;
        double p = 0.3;
        try (Tensor x = Tensor.allocate(10, count / 10); Tensor y = Tensor.allocate(10, count / 10);
             DropoutMask first = DropoutMask.allocate(x.shape()); DropoutMask second = DropoutMask.allocate(x.shape())) {
            x.fill(1f);
            Dropout.forward(x, p, 42, 0, first, y);
            Dropout.forward(x, p, 42, 1, second, y);
            int kept = 0;
            int same = 0;
            for (int i = 0; i < count; i++) {
                kept += first.isKept(i) ? 1 : 0;
                same += first.isKept(i) == second.isKept(i) ? 1 : 0;
            }
            // Binomial(n, 1 − p): standard deviation sqrt(n p (1 − p)) ≈ 145; allow 6 of them.
            double sigma = Math.sqrt(count * p * (1 - p));
            assertTrue(Math.abs(kept - count * (1 - p)) < 6 * sigma, "kept " + kept + " of " + count);
            // Independent masks agree on p² + (1 − p)² = 0.58 of the elements.
            double agreeing = count * (p * p + (1 - p) * (1 - p));
            assertTrue(Math.abs(same - agreeing) < 6 * Math.sqrt(count * 0.58 * 0.42), "agree on " + same);
        }
    }

    @Test
    void theMaskDoesNotDependOnTheThreadCount() {
        Shape shape = Shape.of(3, 7, 33, 33); // several 16K-element chunks, the last one partial
        float[] values = RandomData.uniform(5, (int) shape.elementCount());
        float[] one;
        float[] many;
        int previous = Parallel.threads();
        try (Tensor x = Tensor.of(values, shape.dims()); Tensor y = Tensor.allocate(shape.dims());
             DropoutMask mask = DropoutMask.allocate(shape)) {
            try {
                Parallel.setThreads(1);
                Dropout.forward(x, 0.5, 9, 3, mask, y);
                one = y.toFloatArray();
                Parallel.setThreads(3);
                y.fill(0f);
                Dropout.forward(x, 0.5, 9, 3, mask, y);
                many = y.toFloatArray();
            } finally {
                Parallel.setThreads(previous);
            }
            Tolerance.assertBitsEqual(one, many, "dropout on 1 and 3 threads");
            boolean[] kept = referenceMask(9, 3, 0.5, values.length);
            Tolerance.assertBitsEqual(referenceApply(values, kept, 0.5), many, "dropout against the reference");
        }
    }

    @Test
    void zeroKeepsEverythingAndOneDropsEverythingAsPyTorch() {
        float[] values = {1.5f, -2f, 0f, -0f, Float.POSITIVE_INFINITY, Float.NaN, 3e-39f};
        try (Tensor x = Tensor.of(values, 7); Tensor y = Tensor.allocate(7); Tensor dx = Tensor.allocate(7);
             DropoutMask mask = DropoutMask.allocate(x.shape())) {
            Dropout.forward(x, 0, 1, 0, mask, y);
            Tolerance.assertBitsEqual(values, y.toFloatArray(), "p = 0");
            Dropout.backward(x, mask, dx);
            Tolerance.assertBitsEqual(values, dx.toFloatArray(), "p = 0 backward");
            Dropout.forward(x, 1, 1, 0, mask, y);
            // x · 0, as PyTorch's input * zeros: signed zeros, and NaN (of the hardware's sign) for infinity and NaN.
            float[] dropped = y.toFloatArray();
            assertTrue(Float.isNaN(dropped[4]) && Float.isNaN(dropped[5]), "p = 1: inf and NaN give NaN");
            dropped[4] = 0f;
            dropped[5] = 0f;
            Tolerance.assertBitsEqual(new float[] {0f, -0f, 0f, -0f, 0f, 0f, 0f}, dropped, "p = 1");
            assertEquals(1.0, mask.probability());
            Dropout.forward(x, 0.5, 1, 0, mask, x); // in place
            assertEquals(0.5, mask.probability());
        }
    }

    @Test
    void backwardAgreesWithCentralDifferences() {
        Shape shape = Shape.of(2, 3, 3, 4);
        double p = 0.4;
        float[] x = RandomData.uniform(51, (int) shape.elementCount());
        double[] w = FiniteDifferences.weights(52, x.length);
        float[] gradient;
        try (Tensor xt = Tensor.of(x, shape.dims()); Tensor y = Tensor.allocate(shape.dims());
             Tensor dy = Tensor.of(FiniteDifferences.asFloats(w), shape.dims());
             Tensor dx = Tensor.allocate(shape.dims()); DropoutMask mask = DropoutMask.allocate(shape)) {
            Dropout.forward(xt, p, 77, 5, mask, y);
            Dropout.backward(dy, mask, dx);
            gradient = dx.toFloatArray();
        }
        // Fixed (seed, call), so a fixed mask: L is linear in x. Forward and backward: within 2 ulp of the exact
        // product, i.e. within 4·2⁻²⁴ relative, which reductionBound(2, ·) = γ(4)·|·| covers.
        double scale = 1 / (1 - p);
        double[] gradientBound = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            gradientBound[i] = Tolerance.reductionBound(2, Math.abs(w[i] * scale));
        }
        FiniteDifferences.check(x, input -> {
            try (Tensor xt = Tensor.of(input, shape.dims()); Tensor y = Tensor.allocate(shape.dims());
                 DropoutMask mask = DropoutMask.allocate(shape)) {
                Dropout.forward(xt, p, 77, 5, mask, y);
                return y.toFloatArray();
            }
        }, input -> {
            double[] bound = new double[input.length];
            for (int k = 0; k < input.length; k++) {
                bound[k] = Tolerance.reductionBound(2, Math.abs(input[k] * scale));
            }
            return bound;
        }, w, gradient, gradientBound, "dropout p=0.4");
    }

    @Test
    void maskIsOneBitPerElement() {
        assertEquals(8, DropoutMask.byteSize(Shape.of(1)));
        assertEquals(8, DropoutMask.byteSize(Shape.of(8, 8)));
        assertEquals(16, DropoutMask.byteSize(Shape.of(65)));
        assertEquals(4096 * 4096 / 8, DropoutMask.byteSize(Shape.of(4096, 4096)));
    }

    @Test
    void rejectsBadArguments() {
        try (Tensor x = Tensor.allocate(2, 3); Tensor y = Tensor.allocate(2, 3); Tensor wide = Tensor.allocate(2, 4);
             DropoutMask mask = DropoutMask.allocate(Shape.of(2, 3));
             DropoutMask wrong = DropoutMask.allocate(Shape.of(6))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Dropout.forward(x, 1.5, 0, 0, mask, y));
            assertEquals("dropout: dropout probability has to be between 0 and 1, but got 1.5", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Dropout.forward(x, Double.NaN, 0, 0, mask, y));
            assertEquals("dropout: dropout probability has to be between 0 and 1, but got NaN", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Dropout.forward(x, 0.5, 0, 0, wrong, y));
            assertEquals("dropout: mask must have shape (2, 3), got (6)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Dropout.forward(x, 0.5, 0, 0, mask, wide));
            assertEquals("dropout: y must have shape (2, 3), got (2, 4)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Dropout.backward(x, mask, y));
            assertEquals("dropout backward: mask has not been filled by a dropout forward pass", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Dropout.forward(null, 0.5, 0, 0, mask, y));
            assertEquals("dropout: x is null", e.getMessage());
        }
    }
}
