package dev.jdnn.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.onednn.OneDnnSum;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.TestBackends;
import dev.jdnn.engine.testing.Tolerance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scaled sum on every backend against the double reference {@code Σ s_i·x_i}. Tolerance: each backend adds the n
 * terms in input order in f32 (Java: one product, then one fma per further term; oneDNN may round each product
 * separately), so each result is within the f32 reduction bound γ(n)·Σ|s_i·x_i| of the exact sum, and the two
 * backends within twice that of each other. Two inputs with scales 1 are exact: both compute the one correctly rounded
 * f32 addition.
 */
class SumTest {

    private static final TestBackends BACKENDS = new TestBackends();

    @AfterAll
    static void closeBackends() {
        BACKENDS.close();
    }

    static Stream<Arguments> matrix() {
        int[] channels = {1, 3, 7, 16, 17, 33};
        int[][] spatial = {{1, 1}, {3, 5}, {7, 7}, {8, 6}, {13, 11}};
        List<Arguments> cases = new ArrayList<>();
        int index = 0;
        for (int inputs = 2; inputs <= 5; inputs++) {
            for (int batch : new int[] {1, 5}) {
                for (int k = 0; k < 2; k++) {
                    int[] hw = spatial[index % spatial.length];
                    Shape shape = Shape.of(batch, channels[index % channels.length], hw[0], hw[1]);
                    float[] scales = RandomData.uniform(index, inputs, -2f, 2f);
                    List<Float> list = new ArrayList<>();
                    for (int i = 0; i < inputs; i++) {
                        list.add(k == 0 && i % 2 == 0 ? 1f : scales[i]);
                    }
                    for (boolean inPlace : new boolean[] {false, true}) {
                        for (String backend : TestBackends.NAMES) {
                            cases.add(Arguments.of(backend, new SumSpec(shape, list), inPlace));
                        }
                    }
                    index++;
                }
            }
        }
        for (String backend : TestBackends.NAMES) {
            cases.add(Arguments.of(backend, new SumSpec(Shape.of(5, 33), List.of(0.5f, -3f)), false));
            cases.add(Arguments.of(backend, SumSpec.plain(Shape.of(1, 256, 28, 28), 3), true)); // many chunks
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} in place {2}")
    @MethodSource("matrix")
    void matchesTheReference(String backend, SumSpec spec, boolean inPlace) {
        int n = spec.inputCount();
        int count = Math.toIntExact(spec.shape().elementCount());
        List<float[]> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add(RandomData.uniform(spec.hashCode() + i, count));
        }
        double[] expected = new double[count];
        double[] magnitude = new double[count];
        for (int e = 0; e < count; e++) {
            for (int i = 0; i < n; i++) {
                double term = (double) spec.scales().get(i) * values.get(i)[e];
                expected[e] += term;
                magnitude[e] += Math.abs(term);
            }
        }
        float[] actual = run(BACKENDS.get(backend).sum(spec), spec, values, inPlace);
        Tolerance.assertWithinReductionBound(expected, magnitude, actual, n, backend + " " + spec);
        if (backend.equals("onednn")) {
            float[] java = run(BACKENDS.get("java").sum(spec), spec, values, inPlace);
            Tolerance.assertAgreeWithinReductionBound(actual, java, magnitude, n, "onednn vs java " + spec);
        }
    }

    private static float[] run(Sum sum, SumSpec spec, List<float[]> values, boolean inPlace) {
        List<Tensor> inputs = new ArrayList<>();
        try {
            for (float[] v : values) {
                inputs.add(Tensor.of(v, spec.shape().dims()));
            }
            if (inPlace) {
                sum.run(inputs, inputs.get(0));
                return inputs.get(0).toFloatArray();
            }
            try (Tensor output = Tensor.allocate(spec.shape(), dev.jdnn.engine.tensor.DType.F32)) {
                output.fill(777f); // overwritten
                sum.run(inputs, output);
                return output.toFloatArray();
            }
        } finally {
            inputs.forEach(Tensor::close);
        }
    }

    /** A residual addition: one correctly rounded f32 addition per element on both backends, in place or not. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jdnn.engine.testing.TestBackends#names")
    void plainTwoInputSumIsExact(String backend) {
        SumSpec spec = SumSpec.plain(Shape.of(5, 17, 7, 9), 2);
        int count = Math.toIntExact(spec.shape().elementCount());
        float[] a = RandomData.uniform(1, count, -100f, 100f);
        float[] b = RandomData.uniform(2, count);
        float[] expected = new float[count];
        for (int i = 0; i < count; i++) {
            expected[i] = a[i] + b[i];
        }
        Sum sum = BACKENDS.get(backend).sum(spec);
        Tolerance.assertBitsEqual(expected, run(sum, spec, List.of(a, b), false), backend + " a + b");
        Tolerance.assertBitsEqual(expected, run(sum, spec, List.of(a, b), true), backend + " a += b");
    }

    @Test
    void specValidation() {
        assertMessage("sum: needs at least 2 inputs (one scale each), got 1",
                () -> new SumSpec(Shape.of(2, 3), List.of(1f)));
        assertMessage("sum: scale 1 must be finite, got NaN",
                () -> new SumSpec(Shape.of(2, 3), List.of(1f, Float.NaN)));
        assertMessage("sum: shape is null", () -> new SumSpec(null, List.of(1f, 1f)));
        assertThrows(NullPointerException.class, () -> new SumSpec(Shape.of(2), Arrays.asList(1f, null)));
        List<Float> scales = new ArrayList<>(List.of(1f, 2f));
        SumSpec spec = new SumSpec(Shape.of(2, 3), scales);
        scales.set(0, 5f);
        assertEquals(List.of(1f, 2f), spec.scales(), "the spec keeps its own copy");
        assertSame(BACKENDS.get("java").sum(spec), BACKENDS.get("java").sum(new SumSpec(Shape.of(2, 3),
                List.of(1f, 2f))), "an equal spec is the same key");
    }

    private static void assertMessage(String expected, Executable call) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    @Test
    void badArgumentsFailWithTheSameMessageOnEveryBackend() {
        TestBackends.requireOneDnn();
        SumSpec spec = SumSpec.plain(Shape.of(2, 3, 4, 5), 3);
        Sum java = BACKENDS.get("java").sum(spec);
        Sum onednn = BACKENDS.get("onednn").sum(spec);
        Tensor closed = Tensor.allocate(2, 3, 4, 5);
        closed.close(); // a closed tensor as an argument
        try (Tensor a = Tensor.allocate(2, 3, 4, 5);
             Tensor b = Tensor.allocate(2, 3, 4, 5);
             Tensor c = Tensor.allocate(2, 3, 4, 5);
             Tensor y = Tensor.allocate(2, 3, 4, 5);
             Tensor wrong = Tensor.allocate(2, 3, 5, 4);
             Tensor big = Tensor.allocate(3, 60)) {
            Tensor first = big.sliceBatch(0, 2).reshape(2, 3, 4, 5);
            Tensor shifted = big.sliceBatch(1, 2).reshape(2, 3, 4, 5);
            assertSameFailure(IllegalArgumentException.class, () -> java.run(List.of(a, b), y),
                    () -> onednn.run(List.of(a, b), y), "sum: inputs: expected 3 tensors, got 2");
            assertSameFailure(IllegalArgumentException.class, () -> java.run(null, y),
                    () -> onednn.run(null, y), "sum: inputs is null");
            List<Tensor> withNull = Arrays.asList(a, null, c);
            assertSameFailure(IllegalArgumentException.class, () -> java.run(withNull, y),
                    () -> onednn.run(withNull, y), "sum: input 1 is null");
            assertSameFailure(IllegalArgumentException.class, () -> java.run(List.of(a, b, wrong), y),
                    () -> onednn.run(List.of(a, b, wrong), y), "sum: input 2 must have shape (2, 3, 4, 5)");
            assertSameFailure(IllegalArgumentException.class, () -> java.run(List.of(a, b, c), null),
                    () -> onednn.run(List.of(a, b, c), null), "sum: output is null");
            assertSameFailure(IllegalStateException.class, () -> java.run(List.of(a, closed, c), y),
                    () -> onednn.run(List.of(a, closed, c), y), "sum: input 1 is a closed tensor");
            assertSameFailure(IllegalArgumentException.class, () -> java.run(List.of(a, b, a), a),
                    () -> onednn.run(List.of(a, b, a), a),
                    "sum: output (in place on input 0) must not share memory with sum: input 2");
            assertSameFailure(IllegalArgumentException.class, () -> java.run(List.of(a, b, c), b),
                    () -> onednn.run(List.of(a, b, c), b), "sum: output must not share memory with sum: input 1");
            assertSameFailure(IllegalArgumentException.class, () -> java.run(List.of(first, b, c), shifted),
                    () -> onednn.run(List.of(first, b, c), shifted), "sum: output must not share memory with sum: input 0");
        }
    }

    private static <T extends Throwable> void assertSameFailure(Class<T> type, Executable javaCall,
                                                                Executable onednnCall, String mentions) {
        String fromJava = assertThrows(type, javaCall).getMessage();
        String fromOneDnn = assertThrows(type, onednnCall).getMessage();
        assertEquals(fromJava, fromOneDnn);
        assertTrue(fromJava.contains(mentions), () -> "message should mention '" + mentions + "': " + fromJava);
    }

    @Test
    void oneDnnImplementation(TestReporter reporter) {
        TestBackends.requireOneDnn();
        Sum sum = BACKENDS.get("onednn").sum(SumSpec.plain(Shape.of(1, 256, 56, 56), 2));
        reporter.publishEntry("sum", sum instanceof OneDnnSum s ? s.implementation() : "java fallback");
    }
}
