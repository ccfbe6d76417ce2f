package dev.jdnn.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.ReferenceSoftmax;
import dev.jdnn.engine.testing.Tolerance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Softmax and log-softmax, forward and backward, against {@link ReferenceSoftmax} (double), for every implementation,
 * over {@code (N, C)} rows and {@code (N, C, H, W)} channel columns of awkward sizes, with kernel calls that cut the
 * work at awkward places.
 *
 * <p>Bounds, per element, in the form of {@link Tolerance#reductionBound}: γ(n)·magnitude with u = 2⁻²⁴. The
 * primitives {@code exp} and {@code log} count as 1 ulp, a relative error of at most 2u (the Vector API promises
 * {@link Math#exp}'s accuracy taken through double). With {@code d = x - max} (rounded once, so {@code exp(d)} is off
 * by a further |d|·u relative) and {@code s = Σ exp(d)} (relative error below (2 + 1.4C)u, since exp(d)·|d| ≤ 1/e):
 * <ul>
 *   <li>softmax {@code exp(d) / s}: relative error ≤ (5 + 1.4C + |d|)u, within γ(C + 4)·y·(2 + |d|);</li>
 *   <li>log-softmax {@code d - log s}: the two terms have opposite signs, so nothing cancels; error ≤
 *       (|d| + 2.5|y| + 2 + 1.4C)u, within γ(C + 4)·(|y| + 2);</li>
 *   <li>softmax backward {@code y (dy - Σ dy y)}: the dot product (γ(C)·Σ|dy y|), a subtraction that may cancel and
 *       two roundings, within γ(C + 2)·y·(|dy| + 2 Σ|dy y|);</li>
 *   <li>log-softmax backward {@code dy - exp(y) Σ dy}: the sum (γ(C)·Σ|dy|), exp (2u), two roundings, within
 *       γ(C + 4)·(|dy| + 2 exp(y) Σ|dy|).</li>
 * </ul>
 * Results below {@code Float.MIN_NORMAL} (probabilities of e⁻⁸⁷ and less) may be flushed to zero: the helper's floor.
 */
class SoftmaxTest {

    private static final int[] SIZES = ActivationsTest.SIZES;

    /** {@code (N, C, H, W)}; {@code H = W = 0} stands for a rank-2 {@code (N, C)} tensor. */
    static Stream<Arguments> shapes() {
        List<Arguments> cases = new ArrayList<>();
        for (String implementation : List.of("scalar", "simd")) {
            for (int channels : SIZES) {
                cases.add(Arguments.of(implementation, 3, channels, 0, 0));
            }
            for (int channels : new int[] {1, 3, 17}) {
                for (int[] hw : new int[][] {{1, 1}, {1, 3}, {3, 5}, {4, 4}, {1, 17}, {3, 11}, {16, 16}}) {
                    cases.add(Arguments.of(implementation, 2, channels, hw[0], hw[1]));
                }
            }
        }
        return cases.stream();
    }

    static SoftmaxKernels kernels(String implementation) {
        if (implementation.equals("scalar")) {
            return new ScalarSoftmaxKernels();
        }
        SoftmaxKernels simd = Vectorization.loadSimd(SoftmaxKernels.class, "SimdSoftmaxKernels");
        Assumptions.assumeTrue(simd != null, "Vector API unavailable");
        return simd;
    }

    /** Moderate values, or (large) values with ±80 and ±1e4 mixed in, which overflow exp without the max. */
    static float[] inputs(long seed, int count, boolean large) {
        float[] x = RandomData.uniform(seed, count, -10f, 10f);
        if (large) {
            float[] special = {80f, -80f, 1e4f, -1e4f, 80f, -1e4f};
            for (int i = 0; i < count; i += 2) {
                x[i] = special[(int) ((i / 2 + seed) % special.length)];
            }
        }
        return x;
    }

    // ---- forward ------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} N={1} C={2} H={3} W={4}")
    @MethodSource("shapes")
    void forwardMatchesReference(String implementation, int batch, int channels, int height, int width) {
        SoftmaxKernels kernels = kernels(implementation);
        int spatial = height == 0 ? 1 : height * width;
        int count = batch * channels * spatial;
        for (boolean large : new boolean[] {false, true}) {
            float[] x = inputs(count + channels, count, large);
            String what = implementation + " N=" + batch + " C=" + channels + " S=" + spatial + (large ? " large" : "");
            double[] expected = ReferenceSoftmax.softmax(x, batch, channels, spatial);
            double[] expectedLog = ReferenceSoftmax.logSoftmax(x, batch, channels, spatial);
            double[] magnitude = new double[count];
            double[] logMagnitude = new double[count];
            double[] distance = distanceFromMax(x, batch, channels, spatial);
            for (int i = 0; i < count; i++) {
                magnitude[i] = expected[i] * (2 + distance[i]);
                logMagnitude[i] = Math.abs(expectedLog[i]) + 2;
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment xs = ActivationsTest.copy(arena, x);
                MemorySegment ys = arena.allocate((long) count * Float.BYTES, 64);
                inPieces(batch, channels, spatial, (firstItem, items, spatialFrom, positions) -> kernels.softmax(
                        xs, ys, firstItem, items, channels, spatial, spatialFrom, positions));
                float[] y = ActivationsTest.toArray(ys);
                Tolerance.assertWithinReductionBound(expected, magnitude, y, channels + 2, what + " softmax");
                inPieces(batch, channels, spatial, (firstItem, items, spatialFrom, positions) -> kernels.logSoftmax(
                        xs, ys, firstItem, items, channels, spatial, spatialFrom, positions));
                float[] logY = ActivationsTest.toArray(ys);
                Tolerance.assertWithinReductionBound(expectedLog, logMagnitude, logY, channels + 2,
                        what + " log-softmax");
                // In place.
                kernels.softmax(xs, xs, 0, batch, channels, spatial, 0, spatial);
                Tolerance.assertWithinReductionBound(expected, magnitude, ActivationsTest.toArray(xs), channels + 2,
                        what + " softmax in place");
                MemorySegment xs2 = ActivationsTest.copy(arena, x);
                kernels.logSoftmax(xs2, xs2, 0, batch, channels, spatial, 0, spatial);
                Tolerance.assertWithinReductionBound(expectedLog, logMagnitude, ActivationsTest.toArray(xs2),
                        channels + 2, what + " log-softmax in place");
                if (!large) {
                    checkProperties(x, y, logY, batch, channels, spatial, what);
                }
            }
        }
    }

    /** Each position's probabilities sum to 1; log-softmax is the log of softmax. */
    private static void checkProperties(float[] x, float[] y, float[] logY, int batch, int channels, int spatial,
                                        String what) {
        double[] distance = distanceFromMax(x, batch, channels, spatial);
        int positions = batch * spatial;
        double[] ones = new double[positions];
        float[] sums = new float[positions];
        double[] sumMagnitude = new double[positions];
        double[] logOfSoftmax = new double[x.length];
        double[] logMagnitude = new double[x.length];
        for (int n = 0; n < batch; n++) {
            for (int s = 0; s < spatial; s++) {
                int position = n * spatial + s;
                double sum = 0;
                double magnitude = 1; // the rounding of the double sum to f32
                for (int c = 0; c < channels; c++) {
                    int i = (n * channels + c) * spatial + s;
                    sum += y[i];
                    magnitude += y[i] * (2 + distance[i]);
                    logOfSoftmax[i] = Math.log(y[i]);
                    // Errors of log-softmax (γ·(|y| + 2)) and of log(softmax) (its relative error, γ·(2 + |d|)).
                    logMagnitude[i] = 2 * Math.abs(logY[i]) + 4;
                }
                ones[position] = 1;
                sums[position] = (float) sum;
                sumMagnitude[position] = magnitude;
            }
        }
        Tolerance.assertWithinReductionBound(ones, sumMagnitude, sums, channels + 2, what + ": softmax sums to 1");
        Tolerance.assertWithinReductionBound(logOfSoftmax, logMagnitude, logY, channels + 2,
                what + ": log-softmax = log(softmax)");
    }

    // ---- backward -----------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} N={1} C={2} H={3} W={4}")
    @MethodSource("shapes")
    void backwardMatchesReference(String implementation, int batch, int channels, int height, int width) {
        SoftmaxKernels kernels = kernels(implementation);
        int spatial = height == 0 ? 1 : height * width;
        int count = batch * channels * spatial;
        String what = implementation + " N=" + batch + " C=" + channels + " S=" + spatial;
        float[] x = inputs(count, count, false);
        float[] dy = RandomData.uniform(count + 1, count);
        // y is the exact forward rounded to f32, so no implementation's forward is trusted here.
        float[] y = toFloats(ReferenceSoftmax.softmax(x, batch, channels, spatial));
        float[] logY = toFloats(ReferenceSoftmax.logSoftmax(x, batch, channels, spatial));
        double[] expected = ReferenceSoftmax.softmaxBackward(y, dy, batch, channels, spatial);
        double[] expectedLog = ReferenceSoftmax.logSoftmaxBackward(logY, dy, batch, channels, spatial);
        double[] magnitude = new double[count];
        double[] logMagnitude = new double[count];
        for (int n = 0; n < batch; n++) {
            for (int s = 0; s < spatial; s++) {
                double dotMagnitude = 0;
                double sumMagnitude = 0;
                for (int c = 0; c < channels; c++) {
                    int i = (n * channels + c) * spatial + s;
                    dotMagnitude += Math.abs((double) dy[i] * y[i]);
                    sumMagnitude += Math.abs(dy[i]);
                }
                for (int c = 0; c < channels; c++) {
                    int i = (n * channels + c) * spatial + s;
                    magnitude[i] = y[i] * (Math.abs(dy[i]) + 2 * dotMagnitude);
                    logMagnitude[i] = Math.abs(dy[i]) + 2 * Math.exp(logY[i]) * sumMagnitude;
                }
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ys = ActivationsTest.copy(arena, y);
            MemorySegment logYs = ActivationsTest.copy(arena, logY);
            MemorySegment dys = ActivationsTest.copy(arena, dy);
            MemorySegment dxs = arena.allocate((long) count * Float.BYTES, 64);
            inPieces(batch, channels, spatial, (firstItem, items, spatialFrom, positions) -> kernels.softmaxBackward(
                    ys, dys, dxs, firstItem, items, channels, spatial, spatialFrom, positions));
            Tolerance.assertWithinReductionBound(expected, magnitude, ActivationsTest.toArray(dxs), channels,
                    what + " softmax backward");
            inPieces(batch, channels, spatial, (firstItem, items, spatialFrom, positions) -> kernels.logSoftmaxBackward(
                    logYs, dys, dxs, firstItem, items, channels, spatial, spatialFrom, positions));
            Tolerance.assertWithinReductionBound(expectedLog, logMagnitude, ActivationsTest.toArray(dxs), channels + 2,
                    what + " log-softmax backward");
            // In place: dx is dy.
            kernels.softmaxBackward(ys, dys, dys, 0, batch, channels, spatial, 0, spatial);
            Tolerance.assertWithinReductionBound(expected, magnitude, ActivationsTest.toArray(dys), channels,
                    what + " softmax backward in place");
            MemorySegment dys2 = ActivationsTest.copy(arena, dy);
            kernels.logSoftmaxBackward(logYs, dys2, dys2, 0, batch, channels, spatial, 0, spatial);
            Tolerance.assertWithinReductionBound(expectedLog, logMagnitude, ActivationsTest.toArray(dys2),
                    channels + 2, what + " log-softmax backward in place");
        }
    }

    // ---- NaN and -∞ ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "simd"})
    void aNanMakesItsWholePositionNan(String implementation) {
        SoftmaxKernels kernels = kernels(implementation);
        for (int[] shape : new int[][] {{2, 37, 1}, {2, 5, 19}}) {
            int batch = shape[0];
            int channels = shape[1];
            int spatial = shape[2];
            float[] x = inputs(5, batch * channels * spatial, false);
            int nanChannel = channels - 2;
            int nanPosition = spatial - 1;
            x[(channels + nanChannel) * spatial + nanPosition] = Float.NaN; // item 1
            for (boolean log : new boolean[] {false, true}) {
                float[] y = run(kernels, x, batch, channels, spatial, log);
                for (int n = 0; n < batch; n++) {
                    for (int s = 0; s < spatial; s++) {
                        for (int c = 0; c < channels; c++) {
                            float value = y[(n * channels + c) * spatial + s];
                            boolean poisoned = n == 1 && s == nanPosition;
                            assertEquals(poisoned, Float.isNaN(value), implementation
                                    + (log ? " log-softmax" : " softmax") + " at n=" + n + " c=" + c + " s=" + s
                                    + ": " + value);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "simd"})
    void minusInfinityGetsProbabilityZero(String implementation) {
        SoftmaxKernels kernels = kernels(implementation);
        float inf = Float.NEGATIVE_INFINITY;
        float[] x = {0f, inf, 0f, inf, 0f, inf, 0f, inf, 0f, inf, 0f, inf, 0f, inf, 0f, inf, 0f, inf, 0f, inf};
        float[] y = run(kernels, x, 1, x.length, 1, false);
        float[] logY = run(kernels, x, 1, x.length, 1, true);
        for (int i = 0; i < x.length; i++) {
            // Ten equal finite entries: exp(0) = 1 each, the sum 10 is exact, and 1/10 and log(10) are rounded once.
            float expected = i % 2 == 0 ? 0.1f : 0f;
            float expectedLog = i % 2 == 0 ? -(float) Math.log(10) : inf;
            assertEquals(expected, y[i], "softmax of " + x[i]);
            assertEquals(expectedLog, logY[i], Math.ulp(expectedLog), "log-softmax of " + x[i]);
        }
    }

    // ---- public entry -------------------------------------------------------------------------------------------

    static Stream<Arguments> entryShapes() {
        return Stream.of(
                Arguments.of((Object) new int[] {70, 1000}), // rows grouped 16 to a task
                Arguments.of((Object) new int[] {2, 20_000}), // a row longer than a chunk: one task per row
                Arguments.of((Object) new int[] {2, 5, 75, 75}), // positions split within an item at 3264
                Arguments.of((Object) new int[] {64, 10, 2, 3})); // small items grouped
    }

    @ParameterizedTest
    @MethodSource("entryShapes")
    void entryMatchesReference(int[] dims) {
        Shape shape = Shape.of(dims);
        int batch = dims[0];
        int channels = dims[1];
        int spatial = dims.length == 4 ? dims[2] * dims[3] : 1;
        int count = (int) shape.elementCount();
        float[] x = inputs(count, count, false);
        float[] g = RandomData.uniform(count + 3, count);
        double[] distance = distanceFromMax(x, batch, channels, spatial);
        double[] expected = ReferenceSoftmax.softmax(x, batch, channels, spatial);
        double[] expectedLog = ReferenceSoftmax.logSoftmax(x, batch, channels, spatial);
        double[] magnitude = new double[count];
        double[] logMagnitude = new double[count];
        for (int i = 0; i < count; i++) {
            magnitude[i] = expected[i] * (2 + distance[i]);
            logMagnitude[i] = Math.abs(expectedLog[i]) + 2;
        }
        float[] logYValues = toFloats(expectedLog);
        double[] expectedLogBackward = ReferenceSoftmax.logSoftmaxBackward(logYValues, g, batch, channels, spatial);
        double[] logBackwardMagnitude = new double[count];
        for (int n = 0; n < batch; n++) {
            for (int s = 0; s < spatial; s++) {
                double sumMagnitude = 0;
                for (int c = 0; c < channels; c++) {
                    sumMagnitude += Math.abs(g[(n * channels + c) * spatial + s]);
                }
                for (int c = 0; c < channels; c++) {
                    int i = (n * channels + c) * spatial + s;
                    logBackwardMagnitude[i] = Math.abs(g[i]) + 2 * Math.exp(logYValues[i]) * sumMagnitude;
                }
            }
        }
        try (Tensor xt = Tensor.of(x, dims); Tensor y = Tensor.allocate(dims);
             Tensor logY = Tensor.of(logYValues, dims);
             Tensor dy = Tensor.of(g, dims); Tensor dx = Tensor.allocate(dims)) {
            Softmax.softmax(xt, y);
            Tolerance.assertWithinReductionBound(expected, magnitude, y.toFloatArray(), channels + 2,
                    shape + " softmax");
            Softmax.logSoftmax(xt, y);
            Tolerance.assertWithinReductionBound(expectedLog, logMagnitude, y.toFloatArray(), channels + 2,
                    shape + " log-softmax");
            Softmax.logSoftmaxBackward(logY, dy, dx);
            Tolerance.assertWithinReductionBound(expectedLogBackward, logBackwardMagnitude, dx.toFloatArray(),
                    channels + 2, shape + " log-softmax backward");
            Softmax.softmax(xt, xt);
            Tolerance.assertWithinReductionBound(expected, magnitude, xt.toFloatArray(), channels + 2,
                    shape + " softmax in place");
            Softmax.softmaxBackward(xt, dy, dx); // runs over every task; values are checked at kernel level
            assertTrue(allFinite(dx.toFloatArray()), shape + " softmax backward must be finite");
        }
    }

    // ---- bad inputs ---------------------------------------------------------------------------------------------

    @Test
    void rejectsBadInputsNamingThem() {
        try (Tensor x3 = Tensor.allocate(2, 3, 4); Tensor x = Tensor.allocate(2, 3);
             Tensor wrong = Tensor.allocate(3, 2);
             Tensor dx = Tensor.allocate(2, 3); Tensor base = Tensor.allocate(3, 3)) {
            assertMessage(IllegalArgumentException.class, "softmax: x must be (N, C) or (N, C, H, W), got (2, 3, 4)",
                    () -> Softmax.softmax(x3, x3));
            assertMessage(IllegalArgumentException.class, "logSoftmax: y must have shape (2, 3), got (3, 2)",
                    () -> Softmax.logSoftmax(x, wrong));
            assertMessage(IllegalArgumentException.class, "softmax backward: dy must have shape (2, 3), got (3, 2)",
                    () -> Softmax.softmaxBackward(x, wrong, dx));
            assertMessage(IllegalArgumentException.class,
                    "logSoftmax backward: y must be (N, C) or (N, C, H, W), got (2, 3, 4)",
                    () -> Softmax.logSoftmaxBackward(x3, x3, x3));
            Tensor closed = Tensor.allocate(2, 3);
            closed.close();
            assertMessage(IllegalStateException.class, "softmax: x is a closed tensor",
                    () -> Softmax.softmax(closed, x));
            assertMessage(IllegalStateException.class, "logSoftmax backward: dx is a closed tensor",
                    () -> Softmax.logSoftmaxBackward(x, dx, closed));
            assertMessage(IllegalArgumentException.class, "softmax backward: dx must be dy itself or not share memory with it",
                    () -> Softmax.softmaxBackward(x, base.sliceBatch(0, 2), base.sliceBatch(1, 2)));
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** A piece of work: items {@code [firstItem, firstItem + items)}, positions {@code [spatialFrom, + positions)}. */
    @FunctionalInterface
    private interface Piece {
        void run(int firstItem, int items, long spatialFrom, long positions);
    }

    /** Runs the work in two or three awkward pieces, as the entry's tasks would cut it. */
    private static void inPieces(int batch, int channels, int spatial, Piece piece) {
        if (spatial == 1) {
            int cut = batch / 2;
            piece.run(0, cut, 0, 1);
            piece.run(cut, batch - cut, 0, 1);
            return;
        }
        int cut = spatial / 3;
        for (int n = 0; n < batch; n++) {
            if (cut > 0) {
                piece.run(n, 1, 0, cut);
            }
            piece.run(n, 1, cut, spatial - cut);
        }
    }

    private static float[] run(SoftmaxKernels kernels, float[] x, int batch, int channels, int spatial, boolean log) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = ActivationsTest.copy(arena, x);
            MemorySegment ys = arena.allocate((long) x.length * Float.BYTES, 64);
            if (log) {
                kernels.logSoftmax(xs, ys, 0, batch, channels, spatial, 0, spatial);
            } else {
                kernels.softmax(xs, ys, 0, batch, channels, spatial, 0, spatial);
            }
            return ActivationsTest.toArray(ys);
        }
    }

    /** {@code |x - max|} over each position's channels, exactly (a difference of two floats fits a double). */
    private static double[] distanceFromMax(float[] x, int batch, int channels, int spatial) {
        double[] distance = new double[x.length];
        for (int n = 0; n < batch; n++) {
            for (int s = 0; s < spatial; s++) {
                float max = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < channels; c++) {
                    max = Math.max(max, x[(n * channels + c) * spatial + s]);
                }
                for (int c = 0; c < channels; c++) {
                    int i = (n * channels + c) * spatial + s;
                    distance[i] = Math.abs((double) x[i] - max);
                }
            }
        }
        return distance;
    }

    private static float[] toFloats(double[] values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }

    private static boolean allFinite(float[] values) {
        for (float value : values) {
            if (!Float.isFinite(value)) {
                return false;
            }
        }
        return true;
    }

    private static <T extends Throwable> void assertMessage(Class<T> type, String expectedPart, Executable call) {
        T thrown = assertThrows(type, call);
        assertTrue(thrown.getMessage().contains(expectedPart),
                "message should contain '" + expectedPart + "', got '" + thrown.getMessage() + "'");
    }
}
