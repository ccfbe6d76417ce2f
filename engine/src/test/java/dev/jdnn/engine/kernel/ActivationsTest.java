package dev.jdnn.engine.kernel;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.ReferenceActivations;
import dev.jdnn.engine.testing.Tolerance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Element-wise kernels against {@link ReferenceActivations} (double, from PyTorch's definitions), for every
 * implementation, over awkward sizes, at offsets that are not vector-aligned, with guard elements either side.
 *
 * <p>Tolerances, in f32 ulps of the exact value (u = 2⁻²⁴, and an ulp is at least u·|value|, so a relative error of
 * k·u is at most k ulp; a final rounding is 0.5 ulp). The transcendental primitives count as 1 ulp: the Vector API
 * promises each lane the accuracy of {@link Math#exp} / {@link Math#tanh} taken through double and narrowed, which is
 * within an ulp of f32 though not always correctly rounded; the scalar kernels round {@code Math}'s double result.
 */
class ActivationsTest {

    static final int[] SIZES = {1, 2, 3, 7, 15, 16, 17, 31, 33, 127, 257};
    private static final double U = Tolerance.FLOAT_UNIT_ROUNDOFF;
    /** Guard elements either side of the range a kernel is given, which must come back untouched. */
    private static final int PAD = 3;
    private static final float GUARD = -12345.5f;
    /**
     * f32 {@code exp(-x)} overflows for {@code x < -88.72}, so {@code x / (1 + exp(-x))} and friends return 0 where
     * the exact value is still as large as {@code 90 e⁻⁹⁰ ≈ 1e-37} (PyTorch does the same). Below this floor a
     * result may be flushed to zero.
     */
    private static final double UNDERFLOW_FLOOR = 0x1p-120;

    /** Breakpoints, their neighbours, signed zeros, saturating and overflowing magnitudes, subnormals, NaN. */
    static final float[] SPECIAL = {
        -3f, 3f, 0f, -0f, -1.5f, Math.nextUp(-3f), Math.nextDown(-3f), Math.nextUp(3f), Math.nextDown(3f), 6f, -6f,
        80f, -80f, 1e4f, -1e4f, 88.5f, -88.5f, -89f, -90f, -100f, 20f, -20f, 1e-30f, -1e-30f, 1e-40f, -1.2784645f,
        Float.NaN,
    };

    /** Forward tolerance in ulps; derivations in the comments. */
    private static double forwardUlps(Activation f) {
        return switch (f) {
            case RELU -> 0; // a selection: exact
            case TANH -> 1; // one primitive
            case SIGMOID, SILU -> 3.5; // exp (2u relative) damped by e/(1+e), 1 + e (u), then a division (0.5 ulp)
            case HARDSWISH -> 2.5; // x + 3 (u relative), x * c (u), / 6 (0.5 ulp)
            case HARDSIGMOID -> 1.5; // x + 3 (u relative), / 6 (0.5 ulp)
        };
    }

    /** Backward tolerance in ulps, given the f32 {@code y}; for dy in [-1, 1) (see {@link #backwardFloor}). */
    private static double backwardUlps(Activation f) {
        return switch (f) {
            case RELU -> 0; // a selection
            case TANH -> 3.5; // 1 - y (u), 1 + y (u), their product (u), times dy (0.5 ulp)
            case SIGMOID -> 2.5; // 1 - y (u), y * (1 - y) (u), times dy (0.5 ulp)
            case HARDSIGMOID -> 1.5; // 1/6 rounded (u), times dy (0.5 ulp)
            // x / 3 + 0.5 cancels near x = -1.5: error ≤ 2 ulp + u·|dy|, covered by max(4 ulp, 2u·|dy|).
            case HARDSWISH -> 4;
            // e = exp(-x) (2u), s = 1/(1 + e) (4u), 1 - s = e·s (7u), x(1 - s) (8u), 1 + x(1 - s) (cancels near
            // x = -1.28), dy·s (5u), product: error ≤ 15u·|dy|·s·(1 + |x|(1 - s)), which is below 15u·|dy|·1.1.
            case SILU -> 16;
        };
    }

    /** Absolute floor for dy in [-1, 1): where a formula cancels, its error scales with the terms, not the result. */
    private static double backwardFloor(Activation f) {
        return switch (f) {
            case HARDSWISH -> 2 * U;
            case SILU -> 17 * U; // 15u · 1.1, see backwardUlps
            default -> UNDERFLOW_FLOOR;
        };
    }

    static Stream<Arguments> implementationsAndActivations() {
        List<Arguments> cases = new ArrayList<>();
        for (String implementation : List.of("scalar", "simd")) {
            for (Activation f : Activation.values()) {
                cases.add(Arguments.of(implementation, f));
            }
        }
        return cases.stream();
    }

    static ActivationKernels kernels(String implementation) {
        if (implementation.equals("scalar")) {
            return new ScalarActivationKernels();
        }
        ActivationKernels simd = Vectorization.loadSimd(ActivationKernels.class, "SimdActivationKernels");
        Assumptions.assumeTrue(simd != null, "Vector API unavailable");
        return simd;
    }

    /** Random values in [-8, 8) with every third one taken from {@link #SPECIAL}. */
    static float[] inputs(long seed, int count) {
        float[] x = RandomData.uniform(seed, count, -8f, 8f);
        for (int i = 0; i < count; i += 3) {
            x[i] = SPECIAL[(int) ((i / 3 + seed) % SPECIAL.length)];
        }
        return x;
    }

    // ---- activations --------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("implementationsAndActivations")
    void forwardMatchesReference(String implementation, Activation f) {
        ActivationKernels kernels = kernels(implementation);
        for (int size : SIZES) {
            checkForward(kernels, f, inputs(size, size), implementation + " " + f + " forward, size " + size);
        }
        checkForward(kernels, f, SPECIAL, implementation + " " + f + " forward of special values");
    }

    private static void checkForward(ActivationKernels kernels, Activation f, float[] x, String what) {
        double[] expected = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            expected[i] = ReferenceActivations.forward(f, x[i]);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = padded(arena, x);
            MemorySegment ys = padded(arena, new float[x.length]);
            kernels.forward(f, xs, ys, PAD, x.length);
            Tolerance.assertWithinUlps(expected, inner(ys, x.length, what), forwardUlps(f), UNDERFLOW_FLOOR, what);
            // In place: y is x.
            kernels.forward(f, xs, xs, PAD, x.length);
            Tolerance.assertWithinUlps(expected, inner(xs, x.length, what), forwardUlps(f), UNDERFLOW_FLOOR,
                    what + " in place");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("implementationsAndActivations")
    void backwardMatchesReference(String implementation, Activation f) {
        ActivationKernels kernels = kernels(implementation);
        for (int size : SIZES) {
            checkBackward(kernels, f, inputs(size, size), RandomData.uniform(1000 + size, size),
                    implementation + " " + f + " backward, size " + size);
        }
        checkBackward(kernels, f, SPECIAL, RandomData.uniform(7, SPECIAL.length),
                implementation + " " + f + " backward at special values");
    }

    /** {@code dy} in [-1, 1); {@code y} is the exact forward rounded to f32: no implementation's forward is trusted. */
    private static void checkBackward(ActivationKernels kernels, Activation f, float[] x, float[] dy, String what) {
        float[] y = new float[x.length];
        double[] expected = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) ReferenceActivations.forward(f, x[i]);
            expected[i] = ReferenceActivations.gradient(f, x[i], y[i], dy[i]);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = padded(arena, x);
            MemorySegment ys = padded(arena, y);
            MemorySegment dys = padded(arena, dy);
            MemorySegment dxs = padded(arena, new float[x.length]);
            // Only the tensor the gradient is computed from is passed.
            MemorySegment input = f.gradientFromOutput() ? null : xs;
            MemorySegment output = f.gradientFromOutput() ? ys : null;
            kernels.backward(f, input, output, dys, dxs, PAD, x.length);
            Tolerance.assertWithinUlps(expected, inner(dxs, x.length, what), backwardUlps(f), backwardFloor(f), what);
            // In place: dx is dy.
            kernels.backward(f, input, output, dys, dys, PAD, x.length);
            Tolerance.assertWithinUlps(expected, inner(dys, x.length, what), backwardUlps(f), backwardFloor(f),
                    what + " in place");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "simd"})
    void hardFunctionsAreExactAtTheirBreakpoints(String implementation) {
        ActivationKernels kernels = kernels(implementation);
        float[] x = {-3f, 0f, 3f, -0f};
        float[] ones = {1f, 1f, 1f, 1f};
        // PyTorch: hardswish(-3) = -3 * 0 / 6 = -0; the gradient is 0 below -3, x/3 + 0.5 on [-3, 3], 1 above.
        assertBits(new float[] {-0f, 0f, 3f, -0f}, forward(kernels, Activation.HARDSWISH, x), "Hardswish at -3, 0, 3");
        assertBits(new float[] {-0.5f, 0.5f, 1.5f, 0.5f}, backward(kernels, Activation.HARDSWISH, x, null, ones),
                "Hardswish gradient at -3, 0, 3");
        // Hardsigmoid's gradient is 1/6 strictly inside (-3, 3) and 0 at the breakpoints.
        assertBits(new float[] {0f, 0.5f, 1f, 0.5f}, forward(kernels, Activation.HARDSIGMOID, x),
                "Hardsigmoid at -3, 0, 3");
        assertBits(new float[] {0f, 1f / 6f, 0f, 1f / 6f}, backward(kernels, Activation.HARDSIGMOID, x, null, ones),
                "Hardsigmoid gradient at -3, 0, 3");
        // ReLU: 0 at 0 (torch gives 0 there too), and its gradient at 0 is 0.
        assertBits(new float[] {0f, 0f, 3f, 0f}, forward(kernels, Activation.RELU, x), "ReLU at -3, 0, 3");
        assertBits(new float[] {0f, 0f, 1f, 0f}, backward(kernels, Activation.RELU, null, new float[] {0f, 0f, 3f, 0f},
                ones), "ReLU gradient at -3, 0, 3");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("implementationsAndActivations")
    void nanPropagatesAsInPyTorch(String implementation, Activation f) {
        ActivationKernels kernels = kernels(implementation);
        float[] nan = {Float.NaN, Float.NaN, Float.NaN};
        float[] y = forward(kernels, f, nan);
        for (float value : y) {
            assertTrue(Float.isNaN(value), f + "(NaN) must be NaN, got " + value);
        }
        // A NaN gradient flows through wherever the derivative is not a constant 0.
        float[] x = {1f, 1f, 1f};
        float[] dx = backward(kernels, f, x, forward(kernels, f, x), nan);
        for (float value : dx) {
            assertTrue(Float.isNaN(value), f + " gradient of NaN at x = 1 must be NaN, got " + value);
        }
        // A NaN input: PyTorch's backward kernels pass dy through for ReLU (y <= 0 fails) and Hardswish (both tests
        // fail), give 0 for Hardsigmoid (the range test fails) and NaN for the smooth functions.
        float[] ones = {1f, 1f, 1f};
        float[] atNan = backward(kernels, f, nan, nan, ones);
        float expected = switch (f) {
            case RELU, HARDSWISH -> 1f;
            case HARDSIGMOID -> 0f;
            case TANH, SIGMOID, SILU -> Float.NaN;
        };
        for (float value : atNan) {
            assertTrue(Float.isNaN(expected) ? Float.isNaN(value) : value == expected,
                    f + " gradient at x = NaN must be " + expected + ", got " + value);
        }
    }

    // ---- add, multiply ------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "simd"})
    void addAndMultiplyAreCorrectlyRounded(String implementation) {
        ActivationKernels kernels = kernels(implementation);
        for (int size : SIZES) {
            float[] a = RandomData.uniform(size, size, -4f, 4f);
            float[] b = RandomData.uniform(size + 500, size, -4f, 4f);
            double[] sum = new double[size];
            double[] product = new double[size];
            for (int i = 0; i < size; i++) {
                sum[i] = (double) a[i] + b[i];
                product[i] = (double) a[i] * b[i];
            }
            String what = implementation + " size " + size;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment as = padded(arena, a);
                MemorySegment bs = padded(arena, b);
                MemorySegment out = padded(arena, new float[size]);
                // One IEEE operation each: within half an ulp.
                kernels.add(as, bs, out, PAD, size);
                Tolerance.assertWithinUlps(sum, inner(out, size, what), 0.5, 0, what + " add");
                kernels.multiply(as, bs, out, PAD, size);
                Tolerance.assertWithinUlps(product, inner(out, size, what), 0.5, 0, what + " multiply");
                kernels.add(as, bs, as, PAD, size);
                Tolerance.assertWithinUlps(sum, inner(as, size, what), 0.5, 0, what + " add in place");
                MemorySegment as2 = padded(arena, a);
                kernels.multiply(as2, bs, bs, PAD, size);
                Tolerance.assertWithinUlps(product, inner(bs, size, what), 0.5, 0, what + " multiply in place");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "simd"})
    void multiplyBackwardGivesDyTimesTheOtherFactor(String implementation) {
        ActivationKernels kernels = kernels(implementation);
        for (int size : SIZES) {
            float[] a = RandomData.uniform(size, size, -4f, 4f);
            float[] b = RandomData.uniform(size + 500, size, -4f, 4f);
            float[] dy = RandomData.uniform(size + 900, size);
            double[] da = new double[size];
            double[] db = new double[size];
            for (int i = 0; i < size; i++) {
                da[i] = (double) dy[i] * b[i];
                db[i] = (double) dy[i] * a[i];
            }
            String what = implementation + " multiply backward, size " + size;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment as = padded(arena, a);
                MemorySegment bs = padded(arena, b);
                MemorySegment dys = padded(arena, dy);
                MemorySegment das = padded(arena, new float[size]);
                MemorySegment dbs = padded(arena, new float[size]);
                kernels.multiplyBackward(as, bs, dys, das, dbs, PAD, size);
                Tolerance.assertWithinUlps(da, inner(das, size, what), 0.5, 0, what + ": da");
                Tolerance.assertWithinUlps(db, inner(dbs, size, what), 0.5, 0, what + ": db");
                MemorySegment onlyDb = padded(arena, new float[size]);
                kernels.multiplyBackward(as, bs, dys, null, onlyDb, PAD, size);
                Tolerance.assertWithinUlps(db, inner(onlyDb, size, what), 0.5, 0, what + ": db alone");
                // In place: da is dy, db is a.
                kernels.multiplyBackward(as, bs, dys, dys, as, PAD, size);
                Tolerance.assertWithinUlps(da, inner(dys, size, what), 0.5, 0, what + ": da over dy");
                Tolerance.assertWithinUlps(db, inner(as, size, what), 0.5, 0, what + ": db over a");
            }
        }
    }

    // ---- scaleShift ---------------------------------------------------------------------------------------------

    /** {@code (N, C, planeSize)}: rank-2 shapes have planeSize 1. */
    static Stream<Arguments> scaleShiftShapes() {
        List<Arguments> cases = new ArrayList<>();
        for (String implementation : List.of("scalar", "simd")) {
            for (int channels : SIZES) {
                cases.add(Arguments.of(implementation, 3, channels, 1));
            }
            for (int planeSize : new int[] {2, 3, 7, 15, 16, 17, 33, 49, 257}) {
                cases.add(Arguments.of(implementation, 2, 3, planeSize));
            }
            cases.add(Arguments.of(implementation, 1, 17, 31));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} N={1} C={2} plane={3}")
    @MethodSource("scaleShiftShapes")
    void scaleShiftMatchesReference(String implementation, int batch, int channels, int planeSize) {
        ActivationKernels kernels = kernels(implementation);
        int count = batch * channels * planeSize;
        float[] x = RandomData.uniform(count, count, -3f, 3f);
        float[] scale = RandomData.uniform(channels, channels, -2f, 2f);
        float[] shift = RandomData.uniform(channels + 1, channels, -2f, 2f);
        double[] expected = new double[count];
        double[] magnitude = new double[count];
        for (int i = 0; i < count; i++) {
            int c = (i / planeSize) % channels;
            expected[i] = (double) x[i] * scale[c] + shift[c];
            magnitude[i] = Math.abs((double) x[i] * scale[c]) + Math.abs(shift[c]);
        }
        String what = implementation + " scaleShift N=" + batch + " C=" + channels + " plane=" + planeSize;
        long planes = (long) batch * channels;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = copy(arena, x);
            MemorySegment ys = arena.allocate((long) count * Float.BYTES, 64);
            MemorySegment scales = copy(arena, scale);
            MemorySegment shifts = copy(arena, shift);
            // Two calls that split the planes (for rank 2, elements) at an awkward point, mid-row.
            long split = planes / 3 + (planes > 1 ? 1 : 0);
            kernels.scaleShift(xs, scales, shifts, ys, 0, split, channels, planeSize);
            kernels.scaleShift(xs, scales, shifts, ys, split, planes - split, channels, planeSize);
            // x * s + b: a dot product of length 2, so the reduction bound for 2 terms.
            Tolerance.assertWithinReductionBound(expected, magnitude, toArray(ys), 2, what);
            kernels.scaleShift(xs, scales, shifts, xs, 0, planes, channels, planeSize);
            Tolerance.assertWithinReductionBound(expected, magnitude, toArray(xs), 2, what + " in place");
        }
    }

    @ParameterizedTest(name = "{0} N={1} C={2} plane={3}")
    @MethodSource("scaleShiftShapes")
    void scaleShiftBackwardMatchesReference(String implementation, int batch, int channels, int planeSize) {
        ActivationKernels kernels = kernels(implementation);
        int count = batch * channels * planeSize;
        float[] x = RandomData.uniform(count, count, -3f, 3f);
        float[] dy = RandomData.uniform(count + 17, count);
        float[] scale = RandomData.uniform(channels, channels, -2f, 2f);
        double[] dx = new double[count];
        double[] dscale = new double[channels];
        double[] dscaleMagnitude = new double[channels];
        double[] dshift = new double[channels];
        double[] dshiftMagnitude = new double[channels];
        for (int i = 0; i < count; i++) {
            int c = (i / planeSize) % channels;
            dx[i] = (double) dy[i] * scale[c];
            dscale[c] += (double) dy[i] * x[i];
            dscaleMagnitude[c] += Math.abs((double) dy[i] * x[i]);
            dshift[c] += dy[i];
            dshiftMagnitude[c] += Math.abs(dy[i]);
        }
        String what = implementation + " scaleShift backward N=" + batch + " C=" + channels + " plane=" + planeSize;
        long perChannel = (long) batch * planeSize;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = copy(arena, x);
            MemorySegment dys = copy(arena, dy);
            MemorySegment scales = copy(arena, scale);
            MemorySegment dxs = arena.allocate((long) count * Float.BYTES, 64);
            MemorySegment dscales = copy(arena, RandomData.uniform(3, channels)); // overwritten, not added to
            MemorySegment dshifts = copy(arena, RandomData.uniform(4, channels));
            int split = channels / 2;
            kernels.scaleShiftBackward(xs, scales, dys, dxs, dscales, dshifts, 0, split, batch, channels, planeSize);
            kernels.scaleShiftBackward(xs, scales, dys, dxs, dscales, dshifts, split, channels - split, batch,
                    channels, planeSize);
            Tolerance.assertWithinUlps(dx, toArray(dxs), 0.5, 0, what + ": dx");
            Tolerance.assertWithinReductionBound(dscale, dscaleMagnitude, toArray(dscales), perChannel,
                    what + ": dscale");
            Tolerance.assertWithinReductionBound(dshift, dshiftMagnitude, toArray(dshifts), perChannel,
                    what + ": dshift");
            // In place: dx is dy.
            kernels.scaleShiftBackward(xs, scales, dys, dys, dscales, dshifts, 0, channels, batch, channels,
                    planeSize);
            Tolerance.assertWithinUlps(dx, toArray(dys), 0.5, 0, what + ": dx over dy");
            Tolerance.assertWithinReductionBound(dscale, dscaleMagnitude, toArray(dscales), perChannel,
                    what + ": dscale with dx over dy");
        }
    }

    // ---- public entry -------------------------------------------------------------------------------------------

    @Test
    void entryRunsEveryActivationOverSeveralChunks() {
        int count = 3 * Activations.CHUNK_ELEMENTS + 5;
        float[] x = inputs(42, count);
        float[] dyValues = RandomData.uniform(43, count);
        for (Activation f : Activation.values()) {
            double[] expectedY = new double[count];
            double[] expectedDx = new double[count];
            float[] yValues = new float[count];
            for (int i = 0; i < count; i++) {
                expectedY[i] = ReferenceActivations.forward(f, x[i]);
                yValues[i] = (float) expectedY[i];
                expectedDx[i] = ReferenceActivations.gradient(f, x[i], yValues[i], dyValues[i]);
            }
            try (Tensor input = Tensor.of(x, count);
                 Tensor output = Tensor.allocate(count);
                 Tensor y = Tensor.of(yValues, count);
                 Tensor dy = Tensor.of(dyValues, count);
                 Tensor dx = Tensor.allocate(count)) {
                Activations.forward(f, input, output);
                Tolerance.assertWithinUlps(expectedY, output.toFloatArray(), forwardUlps(f), UNDERFLOW_FLOOR,
                        f + " forward");
                Activations.backward(f, input, y, dy, dx);
                Tolerance.assertWithinUlps(expectedDx, dx.toFloatArray(), backwardUlps(f), backwardFloor(f),
                        f + " backward");
                Activations.forward(f, input, input);
                Tolerance.assertWithinUlps(expectedY, input.toFloatArray(), forwardUlps(f), UNDERFLOW_FLOOR,
                        f + " forward in place");
            }
        }
    }

    @Test
    void entryAddsMultipliesAndDifferentiatesOverSeveralChunks() {
        int[] dims = {2, 3, 97, 59}; // 34,338 elements: three chunks, the last partial
        int count = 2 * 3 * 97 * 59;
        float[] a = RandomData.uniform(1, count, -4f, 4f);
        float[] b = RandomData.uniform(2, count, -4f, 4f);
        float[] g = RandomData.uniform(3, count);
        double[] sum = new double[count];
        double[] product = new double[count];
        double[] da = new double[count];
        double[] db = new double[count];
        for (int i = 0; i < count; i++) {
            sum[i] = (double) a[i] + b[i];
            product[i] = (double) a[i] * b[i];
            da[i] = (double) g[i] * b[i];
            db[i] = (double) g[i] * a[i];
        }
        try (Tensor at = Tensor.of(a, dims); Tensor bt = Tensor.of(b, dims); Tensor dy = Tensor.of(g, dims);
             Tensor out = Tensor.allocate(dims); Tensor dat = Tensor.allocate(dims);
             Tensor dbt = Tensor.allocate(dims)) {
            Activations.add(at, bt, out);
            Tolerance.assertWithinUlps(sum, out.toFloatArray(), 0.5, 0, "add");
            Activations.multiply(at, bt, out);
            Tolerance.assertWithinUlps(product, out.toFloatArray(), 0.5, 0, "multiply");
            Activations.multiplyBackward(at, bt, dy, dat, dbt);
            Tolerance.assertWithinUlps(da, dat.toFloatArray(), 0.5, 0, "multiply backward: da");
            Tolerance.assertWithinUlps(db, dbt.toFloatArray(), 0.5, 0, "multiply backward: db");
            Activations.multiplyBackward(at, bt, dy, null, dbt);
            Tolerance.assertWithinUlps(db, dbt.toFloatArray(), 0.5, 0, "multiply backward: db alone");
            Activations.add(at, bt, at);
            Tolerance.assertWithinUlps(sum, at.toFloatArray(), 0.5, 0, "add in place");
        }
    }

    static Stream<Arguments> entryScaleShiftShapes() {
        return Stream.of(
                Arguments.of((Object) new int[] {2, 3, 100, 100}), // a plane of 10,000: one task per plane
                Arguments.of((Object) new int[] {4, 5, 3, 3}), // small planes grouped into one task
                Arguments.of((Object) new int[] {70, 257}), // 17,990 elements: tasks split mid-row
                Arguments.of((Object) new int[] {3, 1000}));
    }

    @ParameterizedTest
    @MethodSource("entryScaleShiftShapes")
    void entryScaleShiftAndBackward(int[] dims) {
        Shape shape = Shape.of(dims);
        int count = (int) shape.elementCount();
        int batch = dims[0];
        int channels = dims[1];
        int planeSize = (int) shape.elementCountFrom(1) / channels;
        float[] x = RandomData.uniform(5, count, -3f, 3f);
        float[] g = RandomData.uniform(6, count);
        float[] scale = RandomData.uniform(7, channels, -2f, 2f);
        float[] shift = RandomData.uniform(8, channels, -2f, 2f);
        double[] y = new double[count];
        double[] yMagnitude = new double[count];
        double[] dx = new double[count];
        double[] dscale = new double[channels];
        double[] dscaleMagnitude = new double[channels];
        double[] dshift = new double[channels];
        double[] dshiftMagnitude = new double[channels];
        for (int i = 0; i < count; i++) {
            int c = (i / planeSize) % channels;
            y[i] = (double) x[i] * scale[c] + shift[c];
            yMagnitude[i] = Math.abs((double) x[i] * scale[c]) + Math.abs(shift[c]);
            dx[i] = (double) g[i] * scale[c];
            dscale[c] += (double) g[i] * x[i];
            dscaleMagnitude[c] += Math.abs((double) g[i] * x[i]);
            dshift[c] += g[i];
            dshiftMagnitude[c] += Math.abs(g[i]);
        }
        String what = "scaleShift " + shape;
        try (Tensor xt = Tensor.of(x, dims); Tensor dy = Tensor.of(g, dims); Tensor scaleT = Tensor.of(scale, channels);
             Tensor shiftT = Tensor.of(shift, channels); Tensor yt = Tensor.allocate(dims);
             Tensor dxt = Tensor.allocate(dims); Tensor dscaleT = Tensor.allocate(channels);
             Tensor dshiftT = Tensor.allocate(channels)) {
            Activations.scaleShift(xt, scaleT, shiftT, yt);
            Tolerance.assertWithinReductionBound(y, yMagnitude, yt.toFloatArray(), 2, what);
            Activations.scaleShiftBackward(xt, scaleT, dy, dxt, dscaleT, dshiftT);
            Tolerance.assertWithinUlps(dx, dxt.toFloatArray(), 0.5, 0, what + " backward: dx");
            Tolerance.assertWithinReductionBound(dscale, dscaleMagnitude, dscaleT.toFloatArray(),
                    (long) batch * planeSize, what + " backward: dscale");
            Tolerance.assertWithinReductionBound(dshift, dshiftMagnitude, dshiftT.toFloatArray(),
                    (long) batch * planeSize, what + " backward: dshift");
            Activations.scaleShift(xt, scaleT, shiftT, xt);
            Tolerance.assertWithinReductionBound(y, yMagnitude, xt.toFloatArray(), 2, what + " in place");
        }
    }

    // ---- bad inputs ---------------------------------------------------------------------------------------------

    @Test
    void rejectsMismatchedShapes() {
        try (Tensor x = Tensor.allocate(2, 3); Tensor wrong = Tensor.allocate(3, 2);
             Tensor ok = Tensor.allocate(2, 3)) {
            assertMessage(IllegalArgumentException.class, "ReLU: y must have shape (2, 3), got (3, 2)",
                    () -> Activations.forward(Activation.RELU, x, wrong));
            assertMessage(IllegalArgumentException.class, "Tanh backward: dx must have shape (2, 3), got (3, 2)",
                    () -> Activations.backward(Activation.TANH, null, ok, x, wrong));
            assertMessage(IllegalArgumentException.class, "SiLU backward: x must have shape (2, 3), got (3, 2)",
                    () -> Activations.backward(Activation.SILU, wrong, null, x, ok));
            assertMessage(IllegalArgumentException.class, "add: b must have shape (2, 3), got (3, 2)",
                    () -> Activations.add(x, wrong, ok));
            assertMessage(IllegalArgumentException.class, "multiply: out must have shape (2, 3), got (3, 2)",
                    () -> Activations.multiply(x, ok, wrong));
            assertMessage(IllegalArgumentException.class, "multiply backward: db must have shape (2, 3), got (3, 2)",
                    () -> Activations.multiplyBackward(x, ok, ok, null, wrong));
        }
    }

    @Test
    void rejectsAMissingSavedTensor() {
        try (Tensor t = Tensor.allocate(4); Tensor u = Tensor.allocate(4)) {
            assertMessage(IllegalArgumentException.class, "Hardswish backward: x must be given",
                    () -> Activations.backward(Activation.HARDSWISH, null, t, t, u));
            assertMessage(IllegalArgumentException.class, "Sigmoid backward: y must be given",
                    () -> Activations.backward(Activation.SIGMOID, t, null, t, u));
        }
    }

    @Test
    void rejectsWrongRankAndWrongChannelVectors() {
        try (Tensor x3 = Tensor.allocate(2, 3, 4); Tensor x = Tensor.allocate(2, 3, 4, 5);
             Tensor three = Tensor.allocate(3); Tensor four = Tensor.allocate(4);
             Tensor y = Tensor.allocate(2, 3, 4, 5)) {
            assertMessage(IllegalArgumentException.class, "scaleShift: x must be (N, C) or (N, C, H, W), got (2, 3, 4)",
                    () -> Activations.scaleShift(x3, three, three, x3));
            assertMessage(IllegalArgumentException.class, "scaleShift: scale must have shape (3), got (4)",
                    () -> Activations.scaleShift(x, four, three, y));
            assertMessage(IllegalArgumentException.class, "scaleShift: shift must have shape (3), got (4)",
                    () -> Activations.scaleShift(x, three, four, y));
            assertMessage(IllegalArgumentException.class, "scaleShift backward: dshift must have shape (3), got (4)",
                    () -> Activations.scaleShiftBackward(x, three, y, y, three.reshape(3), four));
        }
    }

    @Test
    void rejectsClosedTensorsNamingThem() {
        Tensor closed = Tensor.allocate(2, 3);
        closed.close();
        try (Tensor open = Tensor.allocate(2, 3); Tensor c3 = Tensor.allocate(3); Tensor c3b = Tensor.allocate(3);
             Tensor c3c = Tensor.allocate(3); Tensor dx = Tensor.allocate(2, 3)) {
            assertMessage(IllegalStateException.class, "ReLU: x is a closed tensor",
                    () -> Activations.forward(Activation.RELU, closed, open));
            assertMessage(IllegalStateException.class, "Hardsigmoid: y is a closed tensor",
                    () -> Activations.forward(Activation.HARDSIGMOID, open, closed));
            assertMessage(IllegalStateException.class, "add: b is a closed tensor",
                    () -> Activations.add(open, closed, dx));
            assertMessage(IllegalStateException.class, "scaleShift backward: dy is a closed tensor",
                    () -> Activations.scaleShiftBackward(open, c3, closed, dx, c3b, c3c));
            Tensor closedScale = Tensor.allocate(3);
            closedScale.close();
            assertMessage(IllegalStateException.class, "scaleShift: scale is a closed tensor",
                    () -> Activations.scaleShift(open, closedScale, c3, dx));
        }
    }

    @Test
    void rejectsOtherDTypesAndPartialOverlap() {
        try (Tensor bf16 = Tensor.allocate(Shape.of(2, 3), DType.BF16); Tensor x = Tensor.allocate(2, 3);
             Tensor base = Tensor.allocate(3, 4)) {
            assertMessage(IllegalArgumentException.class, "Tanh: y must be f32, got bf16",
                    () -> Activations.forward(Activation.TANH, x, bf16));
            Tensor first = base.sliceBatch(0, 2);
            Tensor second = base.sliceBatch(1, 2);
            assertMessage(IllegalArgumentException.class, "ReLU: y must be x itself or not share memory with it",
                    () -> Activations.forward(Activation.RELU, first, second));
            // The same memory through another view is in place, and allowed.
            Activations.forward(Activation.RELU, first, base.sliceBatch(0, 2));
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static <T extends Throwable> void assertMessage(Class<T> type, String expectedPart,
                                                            org.junit.jupiter.api.function.Executable call) {
        T thrown = assertThrows(type, call);
        assertTrue(thrown.getMessage().contains(expectedPart),
                "message should contain '" + expectedPart + "', got '" + thrown.getMessage() + "'");
    }

    private static void assertBits(float[] expected, float[] actual, String what) {
        Tolerance.assertBitsEqual(expected, actual, what);
    }

    private static float[] forward(ActivationKernels kernels, Activation f, float[] x) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = copy(arena, x);
            MemorySegment ys = arena.allocate((long) x.length * Float.BYTES, 64);
            kernels.forward(f, xs, ys, 0, x.length);
            return toArray(ys);
        }
    }

    /** {@code x} or {@code y} may be null (not passed). */
    private static float[] backward(ActivationKernels kernels, Activation f, float[] x, float[] y, float[] dy) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = x == null ? null : copy(arena, x);
            MemorySegment ys = y == null ? null : copy(arena, y);
            MemorySegment dys = copy(arena, dy);
            MemorySegment dxs = arena.allocate((long) dy.length * Float.BYTES, 64);
            kernels.backward(f, xs, ys, dys, dxs, 0, dy.length);
            return toArray(dxs);
        }
    }

    static MemorySegment copy(Arena arena, float[] values) {
        MemorySegment segment = arena.allocate((long) values.length * Float.BYTES, 64);
        MemorySegment.copy(values, 0, segment, JAVA_FLOAT, 0, values.length);
        return segment;
    }

    static float[] toArray(MemorySegment segment) {
        return segment.toArray(JAVA_FLOAT);
    }

    /** {@code values} at elements {@code [PAD, PAD + n)}, with {@link #GUARD} either side. */
    static MemorySegment padded(Arena arena, float[] values) {
        MemorySegment segment = arena.allocate((values.length + 2L * PAD) * Float.BYTES, 64);
        for (long i = 0; i < values.length + 2L * PAD; i++) {
            segment.setAtIndex(JAVA_FLOAT, i, GUARD);
        }
        MemorySegment.copy(values, 0, segment, JAVA_FLOAT, PAD * (long) Float.BYTES, values.length);
        return segment;
    }

    /** The {@code count} elements after the leading guard, after checking that both guards are untouched. */
    static float[] inner(MemorySegment segment, int count, String what) {
        for (int i = 0; i < PAD; i++) {
            assertEquals(GUARD, segment.getAtIndex(JAVA_FLOAT, i), what + ": guard before the range was written");
            assertEquals(GUARD, segment.getAtIndex(JAVA_FLOAT, PAD + count + i),
                    what + ": guard after the range was written");
        }
        float[] values = new float[count];
        MemorySegment.copy(segment, JAVA_FLOAT, PAD * (long) Float.BYTES, values, 0, count);
        return values;
    }
}
