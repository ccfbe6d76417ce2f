package dev.jdnn.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jdnn.engine.kernel.Activation;
import dev.jdnn.engine.onednn.OneDnn;
import dev.jdnn.engine.onednn.OneDnnBackend;
import dev.jdnn.engine.onednn.OneDnnEltwise;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.ReferenceActivations;
import dev.jdnn.engine.testing.TestBackends;
import dev.jdnn.engine.testing.Tolerance;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Eltwise} on every backend against {@link ReferenceActivations} (double, PyTorch's definitions) over awkward
 * sizes and a 4-D shape, with special values mixed in; in place; the two backends against each other; the
 * breakpoint and NaN conventions pinned per backend; bad arguments failing alike.
 *
 * <p>Tolerances, in f32 ulps of the exact value, plus an absolute floor (u = 2⁻²⁴). Java: the budgets of
 * {@code ActivationsTest}, derived there (its kernels are what runs). oneDNN: ReLU is a selection (exact). Its
 * transcendentals are its own polynomial exp and tanh (not {@code Math}'s, not correctly rounded): measured maxima
 * over 200 000 points in [-8, 8) on jit:avx512_core were tanh 1.2 ulp, logistic 3.0, swish 4.0; the budgets (2, 4, 5)
 * are one ulp above, for the other ISAs' code paths. Hardswish and Hardsigmoid compute {@code v = (1/6)·x + 1/2}
 * with 1/6 rounded (relative error u, times |x| ≤ 3 where v is in (0, 1)): near x = -3, where v cancels to tiny
 * values, the error is absolute, about u·|x|/6·(1 + 1/2) ≤ u for v and 3u for x·v; hence floors u and 3u. Backward
 * from y: oneDNN's Tanh is {@code dy·(1 - y·y)}, whose cancellation as |y| → 1 costs an absolute u·|dy| (floor 2u);
 * SiLU's is within the Java budget (measured 5.2u·|dy|).
 */
class EltwiseTest {

    private static final double U = Tolerance.FLOAT_UNIT_ROUNDOFF;
    /** Below this a result may be flushed to 0 (f32 exp underflows for x < -87; both backends then give ±0). */
    private static final double UNDERFLOW_FLOOR = 0x1p-120;
    private static final int[] SIZES = {1, 2, 3, 7, 15, 16, 17, 31, 33, 127, 257, 4098};
    private static final Shape FOUR_D = Shape.of(2, 3, 5, 7);

    /** Breakpoints, their neighbours, signed zeros, saturating and overflowing magnitudes, subnormals, NaN. */
    private static final float[] SPECIAL = {
        -3f, 3f, 0f, -0f, -1.5f, Math.nextUp(-3f), Math.nextDown(-3f), Math.nextUp(3f), Math.nextDown(3f), 6f, -6f,
        80f, -80f, 1e4f, -1e4f, 88.5f, -88.5f, -89f, -90f, -100f, 20f, -20f, 1e-30f, -1e-30f, 1e-40f, -1.2784645f,
        Float.NaN,
    };

    private static final JavaBackend JAVA = new JavaBackend();
    private static OneDnnBackend onednn;

    @BeforeAll
    static void openOneDnn() {
        onednn = TestBackends.oneDnnIfAvailable();
    }

    @AfterAll
    static void closeBackends() {
        TestBackends.closeAll(JAVA, onednn);
    }

    static Backend backend(String name) {
        if (name.equals("java")) {
            return JAVA;
        }
        assumeTrue(onednn != null, () -> "oneDNN is not available: " + OneDnn.status().reason());
        return onednn;
    }

    static Stream<Arguments> backendsAndActivations() {
        List<Arguments> cases = new ArrayList<>();
        for (String backend : List.of("java", "onednn")) {
            for (Activation f : Activation.values()) {
                cases.add(Arguments.of(backend, f));
            }
        }
        return cases.stream();
    }

    private static double forwardUlps(String backend, Activation f) {
        boolean java = backend.equals("java");
        return switch (f) {
            case RELU -> 0;
            case TANH -> java ? 1 : 2;
            case SIGMOID -> java ? 3.5 : 4;
            case SILU -> java ? 3.5 : 5;
            case HARDSWISH -> 2.5;
            case HARDSIGMOID -> 1.5;
        };
    }

    private static double forwardFloor(String backend, Activation f) {
        if (backend.equals("onednn")) {
            if (f == Activation.HARDSIGMOID) {
                return U;
            }
            if (f == Activation.HARDSWISH) {
                return 3 * U;
            }
        }
        return UNDERFLOW_FLOOR;
    }

    /** For dy in [-1, 1). */
    private static double backwardUlps(Activation f) {
        return switch (f) {
            case RELU -> 0;
            case TANH -> 3.5;
            case SIGMOID -> 2.5;
            case HARDSIGMOID -> 1.5;
            case HARDSWISH -> 4;
            case SILU -> 16;
        };
    }

    private static double backwardFloor(String backend, Activation f) {
        return switch (f) {
            case HARDSWISH -> backend.equals("java") ? 2 * U : 3 * U;
            case SILU -> 17 * U;
            case TANH -> backend.equals("java") ? UNDERFLOW_FLOOR : 2 * U;
            default -> UNDERFLOW_FLOOR;
        };
    }

    /** Random values in [-8, 8) with every third one from {@link #SPECIAL}. */
    private static float[] inputs(long seed, int count) {
        float[] x = RandomData.uniform(seed, count, -8f, 8f);
        for (int i = 0; i < count; i += 3) {
            x[i] = SPECIAL[(int) ((i / 3 + seed) % SPECIAL.length)];
        }
        return x;
    }

    private static List<Shape> shapes() {
        List<Shape> shapes = new ArrayList<>();
        for (int size : SIZES) {
            shapes.add(Shape.of(size));
        }
        shapes.add(FOUR_D);
        return shapes;
    }

    /**
     * Whether oneDNN may take the other branch at {@code x}: its Hardswish and Hardsigmoid test
     * {@code v = (1/6)·x + 1/2} against 0 and 1 in f32, so within an ulp of ±3 (and at ±3 exactly, see
     * {@link #breakpointConventions}) its gradient follows its own rounding of v.
     */
    private static boolean nearOneDnnBreakpoint(String backend, Activation f, float x) {
        return backend.equals("onednn") && (f == Activation.HARDSWISH || f == Activation.HARDSIGMOID)
                && (Math.abs(x - 3f) <= Math.ulp(3f) || Math.abs(x + 3f) <= Math.ulp(3f));
    }

    /** NaN handling differs from PyTorch's on oneDNN's JIT kernels; {@link #nanConventions} pins it. */
    private static boolean excluded(String backend, Activation f, float x) {
        return nearOneDnnBreakpoint(backend, f, x) || (backend.equals("onednn") && Float.isNaN(x));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndActivations")
    void forwardMatchesReferenceAlsoInPlace(String backendName, Activation f) {
        Backend backend = backend(backendName);
        for (Shape shape : shapes()) {
            int count = (int) shape.elementCount();
            float[] x = inputs(count, count);
            String what = backendName + " " + f + " forward " + shape;
            double[] expected = new double[count];
            for (int i = 0; i < count; i++) {
                expected[i] = excluded(backendName, f, x[i]) ? Double.NaN : ReferenceActivations.forward(f, x[i]);
            }
            Eltwise op = backend.eltwise(new EltwiseSpec(shape, f));
            try (Tensor input = Tensor.allocate(shape, DType.F32);
                 Tensor output = Tensor.allocate(shape, DType.F32)) {
                input.copyFrom(x);
                op.forward(input, output);
                assertWithinUlps(expected, output.toFloatArray(), forwardUlps(backendName, f),
                        forwardFloor(backendName, f), what);
                op.forward(input, input); // in place, as inplace=True
                assertWithinUlps(expected, input.toFloatArray(), forwardUlps(backendName, f),
                        forwardFloor(backendName, f), what + " in place");
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndActivations")
    void backwardMatchesReferenceAlsoInPlace(String backendName, Activation f) {
        Backend backend = backend(backendName);
        for (Shape shape : shapes()) {
            int count = (int) shape.elementCount();
            float[] x = inputs(count + 1, count);
            float[] dy = RandomData.uniform(1000 + count, count);
            float[] y = new float[count];
            double[] expected = new double[count];
            for (int i = 0; i < count; i++) {
                // y is the exact forward rounded to f32: no backend's forward is trusted here.
                y[i] = (float) ReferenceActivations.forward(f, x[i]);
                expected[i] = excluded(backendName, f, x[i]) ? Double.NaN
                        : ReferenceActivations.gradient(f, x[i], y[i], dy[i]);
            }
            String what = backendName + " " + f + " backward " + shape;
            Eltwise op = backend.eltwise(new EltwiseSpec(shape, f));
            try (Tensor input = Tensor.of(x, shape.dims());
                 Tensor output = Tensor.of(y, shape.dims());
                 Tensor gradOutput = Tensor.of(dy, shape.dims());
                 Tensor gradInput = Tensor.allocate(shape, DType.F32)) {
                op.backward(input, output, gradOutput, gradInput);
                assertWithinUlps(expected, gradInput.toFloatArray(), backwardUlps(f), backwardFloor(backendName, f),
                        what);
                // Only the tensor the gradient comes from, and in place (gradInput is gradOutput).
                op.backward(f.gradientFromOutput() ? null : input, f.gradientFromOutput() ? output : null,
                        gradOutput, gradOutput);
                assertWithinUlps(expected, gradOutput.toFloatArray(), backwardUlps(f),
                        backwardFloor(backendName, f), what + " in place");
            }
        }
    }

    /** Excluded points are NaN in {@code expected} and skipped; NaN results elsewhere must be NaN in both. */
    private static void assertWithinUlps(double[] expected, float[] actual, double ulps, double floor, String what) {
        double[] kept = expected.clone();
        float[] keptActual = actual.clone();
        for (int i = 0; i < kept.length; i++) {
            if (Double.isNaN(kept[i]) && !Float.isNaN(actual[i])) {
                keptActual[i] = Float.NaN; // excluded: compared as NaN against NaN
            }
        }
        Tolerance.assertWithinUlps(kept, keptActual, ulps, floor, what);
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void backendsAgree(Activation f) {
        backend("onednn");
        Shape shape = Shape.of(4098);
        float[] x = RandomData.uniform(99, 4098, -8f, 8f);
        float[] dy = RandomData.uniform(98, 4098);
        Eltwise java = JAVA.eltwise(new EltwiseSpec(shape, f));
        Eltwise dnnl = onednn.eltwise(new EltwiseSpec(shape, f));
        try (Tensor input = Tensor.of(x, 4098);
             Tensor gradOutput = Tensor.of(dy, 4098);
             Tensor javaOutput = Tensor.allocate(4098);
             Tensor dnnlOutput = Tensor.allocate(4098);
             Tensor javaGrad = Tensor.allocate(4098);
             Tensor dnnlGrad = Tensor.allocate(4098)) {
            java.forward(input, javaOutput);
            dnnl.forward(input, dnnlOutput);
            // Each is within its budget of the exact value, so they are within the sum of the budgets of each other.
            Tolerance.assertWithinUlps(toDouble(javaOutput.toFloatArray()), dnnlOutput.toFloatArray(),
                    forwardUlps("java", f) + forwardUlps("onednn", f),
                    forwardFloor("java", f) + forwardFloor("onednn", f), f + " forward, oneDNN vs Java");
            // The same y for both (Java's), so only the backward kernels differ.
            java.backward(input, javaOutput, gradOutput, javaGrad);
            dnnl.backward(input, javaOutput, gradOutput, dnnlGrad);
            Tolerance.assertWithinUlps(toDouble(javaGrad.toFloatArray()), dnnlGrad.toFloatArray(),
                    2 * backwardUlps(f), backwardFloor("java", f) + backwardFloor("onednn", f),
                    f + " backward, oneDNN vs Java");
        }
    }

    private static double[] toDouble(float[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i];
        }
        return result;
    }

    /**
     * ReLU'(0) = 0 on both (PyTorch's). Hardsigmoid' is 0 at ±3 on both (PyTorch's). Hardswish' at -3 and 3 is
     * PyTorch's -0.5 and 1.5 (from inside the ramp) on Java, 0 and 1 (from outside) on oneDNN: both one-sided
     * derivatives, so both valid subgradients; the forward values agree exactly.
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "onednn"})
    void breakpointConventions(String backendName) {
        Backend backend = backend(backendName);
        boolean java = backendName.equals("java");
        float[] x = {-3f, 0f, 3f, -0f};
        float[] ones = {1f, 1f, 1f, 1f};
        assertValues(new float[] {0f, 0f, 3f, 0f}, forward(backend, Activation.RELU, x), backendName + " ReLU");
        assertValues(new float[] {0f, 0f, 1f, 0f}, backward(backend, Activation.RELU, x, ones),
                backendName + " ReLU gradient at -3, 0, 3, -0");
        assertValues(new float[] {0f, 0f, 3f, 0f}, forward(backend, Activation.HARDSWISH, x),
                backendName + " Hardswish at -3, 0, 3, -0");
        assertValues(java ? new float[] {-0.5f, 0.5f, 1.5f, 0.5f} : new float[] {0f, 0.5f, 1f, 0.5f},
                backward(backend, Activation.HARDSWISH, x, ones), backendName + " Hardswish gradient at -3, 0, 3, -0");
        assertValues(new float[] {0f, 0.5f, 1f, 0.5f}, forward(backend, Activation.HARDSIGMOID, x),
                backendName + " Hardsigmoid at -3, 0, 3, -0");
        assertValues(new float[] {0f, 1f / 6f, 0f, 1f / 6f}, backward(backend, Activation.HARDSIGMOID, x, ones),
                backendName + " Hardsigmoid gradient at -3, 0, 3, -0");
    }

    /**
     * NaN propagates through every forward on Java (PyTorch's rule). oneDNN's JIT kernels compute ReLU with a max
     * against 0 and Hardsigmoid with a max/min clamp, which drop a NaN: ReLU(NaN) = 0 and Hardsigmoid(NaN) = 1 there;
     * its reference kernels keep it. The smooth functions and Hardswish keep NaN on both. Gradients at a NaN: PyTorch's
     * on both backends (dy for ReLU and Hardswish, 0 for Hardsigmoid, NaN otherwise).
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndActivations")
    void nanConventions(String backendName, Activation f) {
        Backend backend = backend(backendName);
        float[] nan = {Float.NaN, Float.NaN, Float.NaN};
        float[] ones = {1f, 1f, 1f};
        float y = forward(backend, f, nan)[0];
        boolean jitDropsNan = backendName.equals("onednn") && jit(f)
                && (f == Activation.RELU || f == Activation.HARDSIGMOID);
        if (jitDropsNan) {
            assertEquals(f == Activation.RELU ? 0f : 1f, y, backendName + " " + f + "(NaN)");
        } else {
            assertTrue(Float.isNaN(y), backendName + " " + f + "(NaN) must be NaN, got " + y);
        }
        // A NaN gradient flows through wherever the derivative is not 0.
        float[] oneInput = {1f, 1f, 1f};
        float[] atOne = backwardWithDy(backend, f, oneInput, forward(backend, f, oneInput), nan);
        assertTrue(Float.isNaN(atOne[0]), backendName + " " + f + " gradient of a NaN dy must be NaN, got " + atOne[0]);
        float expected = switch (f) {
            case RELU, HARDSWISH -> 1f;
            case HARDSIGMOID -> 0f;
            case TANH, SIGMOID, SILU -> Float.NaN;
        };
        float atNan = backwardWithDy(backend, f, nan, nan, ones)[0];
        assertTrue(Float.isNaN(expected) ? Float.isNaN(atNan) : atNan == expected,
                backendName + " " + f + " gradient at NaN must be " + expected + ", got " + atNan);
    }

    private static boolean jit(Activation f) {
        Eltwise op = onednn.eltwise(new EltwiseSpec(Shape.of(3), f));
        return op instanceof OneDnnEltwise o && o.implementations().getFirst().startsWith("jit");
    }

    @Test
    void reluForwardInPlaceThenBackwardFromTheOutputOnly() {
        for (String name : List.of("java", "onednn")) {
            if (name.equals("onednn") && onednn == null) {
                continue;
            }
            Backend backend = backend(name);
            Eltwise relu = backend.eltwise(new EltwiseSpec(Shape.of(2, 3, 4, 5), Activation.RELU));
            float[] x = RandomData.uniform(5, 120);
            float[] dy = RandomData.uniform(6, 120);
            try (Tensor t = Tensor.of(x, 2, 3, 4, 5); Tensor g = Tensor.of(dy, 2, 3, 4, 5)) {
                relu.forward(t, t);
                relu.backward(t, t, g, g); // the input is gone; the gradient comes from y
                float[] got = g.toFloatArray();
                for (int i = 0; i < 120; i++) {
                    // 0f vs -0f: oneDNN writes dy·0, signed; equal within a delta of 0.
                    assertEquals(x[i] > 0 ? dy[i] : 0f, got[i], 0f, name + " element " + i);
                }
            }
        }
    }

    @Test
    void badArgumentsFailWithTheSameMessageOnBothBackends() {
        backend("onednn");
        EltwiseSpec spec = new EltwiseSpec(Shape.of(2, 3), Activation.SILU);
        Eltwise java = JAVA.eltwise(spec);
        Eltwise dnnl = onednn.eltwise(spec);
        Tensor closed = Tensor.allocate(2, 3);
        closed.close();
        try (Tensor x = Tensor.allocate(2, 3);
             Tensor y = Tensor.allocate(2, 3);
             Tensor dy = Tensor.allocate(2, 3);
             Tensor dx = Tensor.allocate(2, 3);
             Tensor wrong = Tensor.allocate(3, 2);
             Tensor big = Tensor.allocate(3, 3)) {
            Tensor rows01 = big.sliceBatch(0, 2); // (2, 3) views one row apart: a partial overlap
            Tensor rows12 = big.sliceBatch(1, 2);
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.forward(null, y), () -> java.forward(null, y),
                    "eltwise SiLU: input is null");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.forward(wrong, y),
                    () -> java.forward(wrong, y), "eltwise SiLU: input must have shape (2, 3), got (3, 2)");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.forward(x, wrong),
                    () -> java.forward(x, wrong), "output must have shape");
            assertSameFailure(IllegalStateException.class, () -> dnnl.forward(closed, y),
                    () -> java.forward(closed, y), "closed tensor");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.backward(null, y, dy, dx),
                    () -> java.backward(null, y, dy, dx), "input is null; the gradient of SiLU");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.backward(x, x, dy, dx),
                    () -> java.backward(x, x, dy, dx), "the forward ran in place");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.backward(x, y, dy, x),
                    () -> java.backward(x, y, dy, x), "gradInput must not share memory with input");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.backward(x, y, wrong, dx),
                    () -> java.backward(x, y, wrong, dx), "gradOutput must have shape");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.forward(rows01, rows12),
                    () -> java.forward(rows01, rows12), "output must be input itself or not share memory with it");
        }
    }

    @Test
    void oneOperationPerSpecAndClosedBackendFailsClearly() {
        backend("onednn");
        EltwiseSpec spec = new EltwiseSpec(Shape.of(5), Activation.TANH);
        OneDnnBackend backend = new OneDnnBackend();
        Eltwise op = backend.eltwise(spec);
        assertSame(op, backend.eltwise(new EltwiseSpec(Shape.of(5), Activation.TANH)));
        backend.close();
        assertEquals("onednn backend: eltwise after close()",
                assertThrows(IllegalStateException.class, () -> backend.eltwise(spec)).getMessage());
        try (Tensor x = Tensor.allocate(5)) {
            assertEquals("eltwise Tanh: this oneDNN eltwise " + spec + " was used after close()",
                    assertThrows(IllegalStateException.class, () -> op.forward(x, x)).getMessage());
        }
    }

    private static float[] forward(Backend backend, Activation f, float[] x) {
        Eltwise op = backend.eltwise(new EltwiseSpec(Shape.of(x.length), f));
        try (Tensor input = Tensor.of(x, x.length); Tensor output = Tensor.allocate(x.length)) {
            op.forward(input, output);
            return output.toFloatArray();
        }
    }

    /** The gradient at {@code x} for dy = {@code dy}, y being the exact forward rounded to f32. */
    private static float[] backward(Backend backend, Activation f, float[] x, float[] dy) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) ReferenceActivations.forward(f, x[i]);
        }
        return backwardWithDy(backend, f, x, y, dy);
    }

    private static float[] backwardWithDy(Backend backend, Activation f, float[] x, float[] y, float[] dy) {
        Eltwise op = backend.eltwise(new EltwiseSpec(Shape.of(x.length), f));
        try (Tensor input = Tensor.of(x, x.length);
             Tensor output = Tensor.of(y, x.length);
             Tensor gradOutput = Tensor.of(dy, x.length);
             Tensor gradInput = Tensor.allocate(x.length)) {
            op.backward(input, output, gradOutput, gradInput);
            return gradInput.toFloatArray();
        }
    }

    /** Equal as floats (so -0 equals 0: the sign of a zero result is not part of either convention). */
    private static void assertValues(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 0f, what + " [" + i + "]");
        }
    }

    private static <T extends Throwable> void assertSameFailure(Class<T> type, Executable onednnCall,
                                                                Executable javaCall, String mentions) {
        String fromOneDnn = assertThrows(type, onednnCall).getMessage();
        String fromJava = assertThrows(type, javaCall).getMessage();
        assertEquals(fromJava, fromOneDnn);
        assertTrue(fromOneDnn.contains(mentions), () -> "message should mention '" + mentions + "': " + fromOneDnn);
    }
}
