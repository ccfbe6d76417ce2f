package dev.jdnn.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.onednn.OneDnnConcat;
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
 * Concatenation and split on every backend against an index-mapping reference, bit for bit (pure data movement; NaN
 * payloads and -0 included), over awkward channel counts, spatial sizes, 2 to 5 inputs, batch 1 and 5, every axis.
 */
class ConcatTest {

    private static final TestBackends BACKENDS = new TestBackends();

    @AfterAll
    static void closeBackends() {
        BACKENDS.close();
    }

    static Stream<Arguments> matrix() {
        int[] channels = {1, 3, 7, 16, 17, 33};
        int[][] spatial = {{1, 1}, {3, 5}, {7, 7}, {8, 6}, {2, 9}};
        List<ConcatSpec> specs = new ArrayList<>();
        int index = 0;
        for (int inputs = 2; inputs <= 5; inputs++) {
            for (int batch : new int[] {1, 5}) {
                for (int k = 0; k < 3; k++) {
                    int[] hw = spatial[index % spatial.length];
                    List<Shape> shapes = new ArrayList<>();
                    for (int i = 0; i < inputs; i++) {
                        shapes.add(Shape.of(batch, channels[(index + i) % channels.length], hw[0], hw[1]));
                    }
                    specs.add(new ConcatSpec(shapes, 1)); // channels: GoogLeNet, DenseNet
                    index++;
                }
            }
        }
        specs.add(ConcatSpec.of(0, Shape.of(1, 3, 4, 5), Shape.of(5, 3, 4, 5), Shape.of(2, 3, 4, 5)));
        specs.add(ConcatSpec.of(2, Shape.of(5, 3, 1, 5), Shape.of(5, 3, 7, 5)));
        specs.add(ConcatSpec.of(-1, Shape.of(1, 17, 4, 3), Shape.of(1, 17, 4, 16), Shape.of(1, 17, 4, 1)));
        specs.add(ConcatSpec.of(1, Shape.of(5, 33), Shape.of(5, 7), Shape.of(5, 1))); // (N, C) features
        specs.add(ConcatSpec.of(1, Shape.of(5, 17, 3, 4)));                            // one input: a copy
        specs.add(ConcatSpec.of(1, Shape.of(1, 256, 28, 28), Shape.of(1, 128, 28, 28))); // larger: parallel rows
        List<Arguments> cases = new ArrayList<>();
        for (String backend : TestBackends.NAMES) {
            for (ConcatSpec spec : specs) {
                cases.add(Arguments.of(backend, spec));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("matrix")
    void forwardAndSplitMatchTheReferenceBitForBit(String backend, ConcatSpec spec) {
        Concat concat = BACKENDS.get(backend).concat(spec);
        List<float[]> parts = new ArrayList<>();
        for (int i = 0; i < spec.inputs().size(); i++) {
            parts.add(values(spec.hashCode() + i, spec.inputs().get(i)));
        }
        float[] expected = referenceConcat(spec, parts);
        List<Tensor> inputs = new ArrayList<>();
        try (Tensor output = Tensor.of(garbage(spec.outputShape()), spec.outputShape().dims())) {
            for (int i = 0; i < parts.size(); i++) {
                inputs.add(Tensor.of(parts.get(i), spec.inputs().get(i).dims()));
            }
            concat.forward(inputs, output);
            Tolerance.assertBitsEqual(expected, output.toFloatArray(), backend + " concat " + spec);

            float[] gradOutput = values(spec.hashCode() + 99, spec.outputShape());
            output.copyFrom(gradOutput);
            for (Tensor input : inputs) {
                input.copyFrom(garbage(input.shape())); // overwritten, not accumulated into
            }
            concat.backward(output, inputs);
            List<float[]> expectedGrads = referenceSplit(spec, gradOutput);
            for (int i = 0; i < inputs.size(); i++) {
                Tolerance.assertBitsEqual(expectedGrads.get(i), inputs.get(i).toFloatArray(),
                        backend + " split, gradInput " + i + " of " + spec);
            }
        } finally {
            inputs.forEach(Tensor::close);
        }
    }

    /** Random values with NaNs carrying payloads, -0 and infinities among them: copies must keep every bit. */
    static float[] values(long seed, Shape shape) {
        float[] v = RandomData.uniform(seed, Math.toIntExact(shape.elementCount()));
        float[] special = {Float.intBitsToFloat(0x7FA0_0001), -0f, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
            Float.intBitsToFloat(0xFFC0_1234)};
        for (int i = 7; i < v.length; i += 11) {
            v[i] = special[i % special.length];
        }
        return v;
    }

    private static float[] garbage(Shape shape) {
        float[] g = new float[Math.toIntExact(shape.elementCount())];
        Arrays.fill(g, 12345f);
        return g;
    }

    /** {@code out[o][a][r] = part_i[o][a - offset_i][r]} for the part {@code i} whose range holds {@code a}. */
    static float[] referenceConcat(ConcatSpec spec, List<float[]> parts) {
        Shape out = spec.outputShape();
        int axis = spec.axis();
        long inner = axis + 1 < out.rank() ? out.elementCountFrom(axis + 1) : 1;
        int total = out.dim(axis);
        float[] result = new float[Math.toIntExact(out.elementCount())];
        for (int flat = 0; flat < result.length; flat++) {
            long outer = flat / (inner * total);
            int a = (int) (flat / inner % total);
            long r = flat % inner;
            int part = 0;
            while (a >= spec.offsetOnAxis(part) + spec.inputs().get(part).dim(axis)) {
                part++;
            }
            int size = spec.inputs().get(part).dim(axis);
            result[flat] = parts.get(part)[Math.toIntExact((outer * size + a - spec.offsetOnAxis(part)) * inner + r)];
        }
        return result;
    }

    static List<float[]> referenceSplit(ConcatSpec spec, float[] whole) {
        Shape out = spec.outputShape();
        int axis = spec.axis();
        long inner = axis + 1 < out.rank() ? out.elementCountFrom(axis + 1) : 1;
        int total = out.dim(axis);
        List<float[]> parts = new ArrayList<>();
        for (int i = 0; i < spec.inputs().size(); i++) {
            Shape shape = spec.inputs().get(i);
            int size = shape.dim(axis);
            float[] part = new float[Math.toIntExact(shape.elementCount())];
            for (int flat = 0; flat < part.length; flat++) {
                long outer = flat / (inner * size);
                int a = (int) (flat / inner % size) + spec.offsetOnAxis(i);
                long r = flat % inner;
                part[flat] = whole[Math.toIntExact((outer * total + a) * inner + r)];
            }
            parts.add(part);
        }
        return parts;
    }

    @Test
    void specValidationAndOutputShape() {
        ConcatSpec spec = ConcatSpec.of(-3, Shape.of(2, 3, 4, 5), Shape.of(2, 7, 4, 5));
        assertEquals(1, spec.axis());
        assertEquals(Shape.of(2, 10, 4, 5), spec.outputShape());
        assertEquals(spec, new ConcatSpec(new ArrayList<>(List.of(Shape.of(2, 3, 4, 5), Shape.of(2, 7, 4, 5))), 1),
                "a normalized axis and a copied list make equal keys");
        assertSame(BACKENDS.get("java").concat(spec), BACKENDS.get("java").concat(ConcatSpec.of(1,
                Shape.of(2, 3, 4, 5), Shape.of(2, 7, 4, 5))));
        assertMessage("concat: needs at least one input, got none", () -> new ConcatSpec(List.of(), 1));
        assertMessage("concat: the list of input shapes is null", () -> new ConcatSpec(null, 1));
        assertMessage("concat: axis 4 is out of range for inputs of rank 4",
                () -> ConcatSpec.of(4, Shape.of(2, 3, 4, 5)));
        assertMessage("concat: input 1 must have rank 4 like input 0 (2, 3, 4, 5), got (2, 3, 4)",
                () -> ConcatSpec.of(1, Shape.of(2, 3, 4, 5), Shape.of(2, 3, 4)));
        assertMessage("concat: input 1 (2, 3, 4, 6) must match input 0 (2, 3, 4, 5) on every axis but 1, differs on"
                + " axis 3", () -> ConcatSpec.of(1, Shape.of(2, 3, 4, 5), Shape.of(2, 3, 4, 6)));
    }

    private static void assertMessage(String expected, Executable call) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    @Test
    void badArgumentsFailWithTheSameMessageOnEveryBackend() {
        TestBackends.requireOneDnn();
        ConcatSpec spec = ConcatSpec.of(1, Shape.of(2, 3, 4, 5), Shape.of(2, 7, 4, 5));
        Concat java = BACKENDS.get("java").concat(spec);
        Concat onednn = BACKENDS.get("onednn").concat(spec);
        Tensor closed = Tensor.allocate(2, 7, 4, 5);
        closed.close(); // a closed tensor as an argument
        try (Tensor a = Tensor.allocate(2, 3, 4, 5);
             Tensor b = Tensor.allocate(2, 7, 4, 5);
             Tensor y = Tensor.allocate(2, 10, 4, 5);
             Tensor wrong = Tensor.allocate(2, 7, 4, 6)) {
            Tensor yView = y.reshape(2, 10, 4, 5);
            Tensor overlapping = y.reshape(20, 20).sliceBatch(0, 6).reshape(2, 3, 4, 5); // the first 120 of y
            List<Tensor> withNull = Arrays.asList(a, null);
            assertSameFailure(IllegalArgumentException.class, () -> java.forward(List.of(a), y),
                    () -> onednn.forward(List.of(a), y), "concat: inputs: expected 2 tensors, got 1");
            assertSameFailure(IllegalArgumentException.class, () -> java.forward(null, y),
                    () -> onednn.forward(null, y), "concat: inputs is null");
            assertSameFailure(IllegalArgumentException.class, () -> java.forward(withNull, y),
                    () -> onednn.forward(withNull, y), "concat: input 1 is null");
            assertSameFailure(IllegalArgumentException.class, () -> java.forward(List.of(a, wrong), y),
                    () -> onednn.forward(List.of(a, wrong), y),
                    "concat: input 1 must have shape (2, 7, 4, 5), got (2, 7, 4, 6)");
            assertSameFailure(IllegalArgumentException.class, () -> java.forward(List.of(a, b), wrong),
                    () -> onednn.forward(List.of(a, b), wrong), "concat: output must have shape (2, 10, 4, 5)");
            assertSameFailure(IllegalStateException.class, () -> java.forward(List.of(a, closed), y),
                    () -> onednn.forward(List.of(a, closed), y), "concat: input 1 is a closed tensor");
            assertSameFailure(IllegalArgumentException.class, () -> java.forward(List.of(overlapping, b), y),
                    () -> onednn.forward(List.of(overlapping, b), y), "concat: output must not share memory with concat: input 0");
            assertSameFailure(IllegalArgumentException.class, () -> java.backward(y, List.of(a, a)),
                    () -> onednn.backward(y, List.of(a, a)),
                    "concat backward: gradInput 1 must have shape (2, 7, 4, 5), got (2, 3, 4, 5)");
            assertSameFailure(IllegalArgumentException.class, () -> java.backward(y, List.of(overlapping, b)),
                    () -> onednn.backward(y, List.of(overlapping, b)),
                    "concat backward: gradInput 0 must not share memory with concat backward: gradOutput");
            assertSameFailure(IllegalArgumentException.class, () -> java.backward(null, List.of(a, b)),
                    () -> onednn.backward(null, List.of(a, b)), "concat backward: gradOutput is null");
            assertSameFailure(IllegalStateException.class, () -> java.backward(yView, List.of(a, closed)),
                    () -> onednn.backward(yView, List.of(a, closed)), "concat backward: gradInput 1 is a closed");
        }
    }

    private static <T extends Throwable> void assertSameFailure(Class<T> type, Executable javaCall,
                                                                Executable onednnCall, String mentions) {
        String fromJava = assertThrows(type, javaCall).getMessage();
        String fromOneDnn = assertThrows(type, onednnCall).getMessage();
        assertEquals(fromJava, fromOneDnn);
        assertTrue(fromJava.contains(mentions), () -> "message should mention '" + mentions + "': " + fromJava);
    }

    @ParameterizedTest
    @MethodSource("dev.jdnn.engine.testing.TestBackends#names")
    void runAfterTheBackendClosedFailsClearly(String name) {
        BACKENDS.get(name); // skips when oneDNN is missing
        Backend backend = name.equals("java") ? new JavaBackend() : new dev.jdnn.engine.onednn.OneDnnBackend();
        ConcatSpec spec = ConcatSpec.of(1, Shape.of(1, 2, 3, 3), Shape.of(1, 1, 3, 3));
        Concat concat = backend.concat(spec);
        backend.close();
        assertEquals(name + " backend: concat after close()",
                assertThrows(IllegalStateException.class, () -> backend.concat(spec)).getMessage());
        try (Tensor a = Tensor.allocate(1, 2, 3, 3); Tensor b = Tensor.allocate(1, 1, 3, 3);
             Tensor y = Tensor.allocate(1, 3, 3, 3)) {
            String message = assertThrows(IllegalStateException.class, () -> concat.forward(List.of(a, b), y))
                    .getMessage();
            assertTrue(message.contains("after close()"), message);
        }
    }

    @Test
    void oneDnnImplementations(TestReporter reporter) {
        TestBackends.requireOneDnn();
        for (ConcatSpec spec : List.of(ConcatSpec.of(1, Shape.of(1, 256, 28, 28), Shape.of(1, 128, 28, 28)),
                ConcatSpec.of(1, Shape.of(5, 3, 7, 7), Shape.of(5, 17, 7, 7), Shape.of(5, 1, 7, 7)),
                ConcatSpec.of(1, Shape.of(5, 33), Shape.of(5, 7)))) {
            Concat concat = BACKENDS.get("onednn").concat(spec);
            reporter.publishEntry(spec.toString(), concat instanceof OneDnnConcat c ? c.implementation()
                    : "java fallback");
        }
    }
}
