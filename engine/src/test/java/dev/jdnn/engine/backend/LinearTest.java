package dev.jdnn.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jdnn.engine.onednn.OneDnn;
import dev.jdnn.engine.onednn.OneDnnBackend;
import dev.jdnn.engine.onednn.OneDnnLinear;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.ReferenceLinear;
import dev.jdnn.engine.testing.TestBackends;
import dev.jdnn.engine.testing.Tolerance;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Linear} on every backend against {@link ReferenceLinear} (double) and the two backends against each other,
 * forward and both backward passes, over batch {1, 2, 5, 17} × in {1, 3, 16, 17, 257} × out {1, 7, 16, 33} (bias on
 * every other case) plus out = 1000 at batch 1 and 2.
 *
 * <p>Every result is an f32 dot product, so the tolerance is the f32 reduction bound of {@link Tolerance}: γ(n) times
 * the sum of the absolute values of the terms, with n the reduction length (in, plus one for the bias, forward; out
 * for backward data; N for the weight and bias gradients). It holds for any summation order, blocked or not, which is
 * what lets one bound cover SGEMM's and oneDNN's different orders.
 */
class LinearTest {

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

    private static Backend backend(String name) {
        if (name.equals("java")) {
            return JAVA;
        }
        assumeTrue(onednn != null, () -> "oneDNN is not available: " + OneDnn.status().reason());
        return onednn;
    }

    static Stream<LinearSpec> specs() {
        List<LinearSpec> specs = new ArrayList<>();
        int index = 0;
        for (int batch : new int[] {1, 2, 5, 17}) {
            for (int in : new int[] {1, 3, 16, 17, 257}) {
                for (int out : new int[] {1, 7, 16, 33}) {
                    specs.add(new LinearSpec(batch, in, out, index++ % 2 == 0));
                }
            }
        }
        specs.add(new LinearSpec(1, 257, 1000, true));
        specs.add(new LinearSpec(2, 16, 1000, false));
        return specs.stream();
    }

    static Stream<Arguments> backendsAndSpecs() {
        return Stream.of("java", "onednn").flatMap(b -> specs().map(s -> Arguments.of(b, s)));
    }

    /** One case's inputs and the three passes' outputs on one backend. */
    record Run(float[] output, float[] gradInput, float[] gradWeight, float[] gradBias) {
    }

    private static final class Data {
        final float[] x;
        final float[] w;
        final float[] b;
        final float[] dy;

        Data(LinearSpec s) {
            long seed = 31L * s.batch() + 7L * s.inFeatures() + s.outFeatures();
            x = RandomData.uniform(seed, s.batch() * s.inFeatures());
            w = RandomData.uniform(seed + 1, s.outFeatures() * s.inFeatures());
            b = s.bias() ? RandomData.uniform(seed + 2, s.outFeatures()) : null;
            dy = RandomData.uniform(seed + 3, s.batch() * s.outFeatures());
        }
    }

    private static Run run(Backend backend, LinearSpec s, Data d) {
        Linear op = backend.linear(s);
        try (Tensor x = Tensor.of(d.x, s.batch(), s.inFeatures());
             Tensor w = Tensor.of(d.w, s.outFeatures(), s.inFeatures());
             Tensor b = d.b == null ? null : Tensor.of(d.b, s.outFeatures());
             Tensor y = Tensor.allocate(s.batch(), s.outFeatures());
             Tensor dy = Tensor.of(d.dy, s.batch(), s.outFeatures());
             Tensor dx = Tensor.allocate(s.batch(), s.inFeatures());
             Tensor dw = Tensor.allocate(s.outFeatures(), s.inFeatures());
             Tensor db = d.b == null ? null : Tensor.allocate(s.outFeatures())) {
            // Garbage in the outputs: every pass must overwrite, not accumulate.
            y.fill(Float.NaN);
            dx.fill(Float.NaN);
            dw.fill(Float.NaN);
            if (db != null) {
                db.fill(Float.NaN);
            }
            op.forward(x, w, b, y);
            op.backwardData(dy, w, dx);
            op.backwardWeights(x, dy, dw, db);
            return new Run(y.toFloatArray(), dx.toFloatArray(), dw.toFloatArray(),
                    db == null ? null : db.toFloatArray());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndSpecs")
    void matchesReference(String backendName, LinearSpec s) {
        Data d = new Data(s);
        Run r = run(backend(backendName), s, d);
        String what = backendName + " " + s;
        check(ReferenceLinear.forward(s.batch(), s.inFeatures(), s.outFeatures(), d.x, d.w, d.b), r.output(),
                what + " forward");
        check(ReferenceLinear.backwardData(s.batch(), s.inFeatures(), s.outFeatures(), d.dy, d.w), r.gradInput(),
                what + " backward data");
        check(ReferenceLinear.backwardWeights(s.batch(), s.inFeatures(), s.outFeatures(), d.x, d.dy),
                r.gradWeight(), what + " backward weights");
        if (s.bias()) {
            check(ReferenceLinear.backwardBias(s.batch(), s.outFeatures(), d.dy), r.gradBias(),
                    what + " backward bias");
        }
    }

    private static void check(ReferenceLinear.Result expected, float[] actual, String what) {
        Tolerance.assertWithinReductionBound(expected.values(), expected.magnitudes(), actual, expected.length(),
                what);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void backendsAgree(LinearSpec s) {
        backend("onednn");
        Data d = new Data(s);
        Run java = run(JAVA, s, d);
        Run dnnl = run(onednn, s, d);
        ReferenceLinear.Result forward = ReferenceLinear.forward(s.batch(), s.inFeatures(), s.outFeatures(), d.x,
                d.w, d.b);
        Tolerance.assertAgreeWithinReductionBound(java.output(), dnnl.output(), forward.magnitudes(),
                forward.length(), s + " forward, oneDNN vs Java");
        ReferenceLinear.Result data = ReferenceLinear.backwardData(s.batch(), s.inFeatures(), s.outFeatures(), d.dy,
                d.w);
        Tolerance.assertAgreeWithinReductionBound(java.gradInput(), dnnl.gradInput(), data.magnitudes(),
                data.length(), s + " backward data, oneDNN vs Java");
        ReferenceLinear.Result weights = ReferenceLinear.backwardWeights(s.batch(), s.inFeatures(), s.outFeatures(),
                d.x, d.dy);
        Tolerance.assertAgreeWithinReductionBound(java.gradWeight(), dnnl.gradWeight(), weights.magnitudes(),
                weights.length(), s + " backward weights, oneDNN vs Java");
        if (s.bias()) {
            ReferenceLinear.Result bias = ReferenceLinear.backwardBias(s.batch(), s.outFeatures(), d.dy);
            Tolerance.assertAgreeWithinReductionBound(java.gradBias(), dnnl.gradBias(), bias.magnitudes(),
                    bias.length(), s + " backward bias, oneDNN vs Java");
        }
    }

    /** Which implementations oneDNN picks; reported, and none may be a reference one for a classifier's shape. */
    @Test
    void oneDnnImplementations(TestReporter reporter) {
        backend("onednn");
        for (LinearSpec s : List.of(new LinearSpec(1, 257, 1000, true), new LinearSpec(17, 17, 33, false),
                new LinearSpec(32, 2048, 1000, true))) {
            OneDnnLinear op = (OneDnnLinear) onednn.linear(s);
            reporter.publishEntry(s.toString(), op.implementations().toString());
            if (s.inFeatures() == 2048) { // the ResNet-50 classifier at batch 32
                for (String implementation : op.implementations()) {
                    assertTrue(!implementation.startsWith("ref"), s + " runs on " + implementation);
                }
            }
        }
    }

    @Test
    void aFeatureMapIsPassedFlattened() {
        for (String name : List.of("java", "onednn")) {
            if (name.equals("onednn") && onednn == null) {
                continue;
            }
            LinearSpec s = new LinearSpec(2, 3 * 2 * 2, 5, true);
            Linear op = backend(name).linear(s);
            float[] features = RandomData.uniform(3, 24);
            float[] weight = RandomData.uniform(4, 60);
            float[] bias = RandomData.uniform(5, 5);
            try (Tensor map = Tensor.of(features, 2, 3, 2, 2);
                 Tensor w = Tensor.of(weight, 5, 12);
                 Tensor b = Tensor.of(bias, 5);
                 Tensor y = Tensor.allocate(2, 5)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> op.forward(map, w, b, y));
                assertEquals("linear: input must have shape (2, 12), got (2, 3, 2, 2); pass its view flatten(1)",
                        e.getMessage());
                op.forward(map.flatten(1), w, b, y);
                ReferenceLinear.Result expected = ReferenceLinear.forward(2, 12, 5, features, weight, bias);
                Tolerance.assertWithinReductionBound(expected.values(), expected.magnitudes(), y.toFloatArray(),
                        expected.length(), name + " forward of a flattened (2, 3, 2, 2) map");
            }
        }
    }

    @Test
    void badArgumentsFailWithTheSameMessageOnBothBackends() {
        backend("onednn");
        LinearSpec spec = new LinearSpec(2, 3, 4, true);
        LinearSpec noBias = new LinearSpec(2, 3, 4, false);
        Linear java = JAVA.linear(spec);
        Linear dnnl = onednn.linear(spec);
        Linear javaNoBias = JAVA.linear(noBias);
        Linear dnnlNoBias = onednn.linear(noBias);
        Tensor closed = Tensor.allocate(2, 3);
        closed.close();
        try (Tensor x = Tensor.allocate(2, 3);
             Tensor w = Tensor.allocate(4, 3);
             Tensor b = Tensor.allocate(4);
             Tensor y = Tensor.allocate(2, 4);
             Tensor dw = Tensor.allocate(4, 3);
             Tensor db = Tensor.allocate(4);
             Tensor transposed = Tensor.allocate(3, 4)) {
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.forward(x, transposed, b, y),
                    () -> java.forward(x, transposed, b, y), "linear: weight must have shape (4, 3), got (3, 4)");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.forward(null, w, b, y),
                    () -> java.forward(null, w, b, y), "linear: input is null");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.forward(x, w, null, y),
                    () -> java.forward(x, w, null, y), "linear: bias is missing");
            assertSameFailure(IllegalArgumentException.class, () -> dnnlNoBias.forward(x, w, b, y),
                    () -> javaNoBias.forward(x, w, b, y), "linear: bias must be null");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.forward(x, w, b, w),
                    () -> java.forward(x, w, b, w), "linear: output must have shape (2, 4), got (4, 3)");
            assertSameFailure(IllegalStateException.class, () -> dnnl.forward(closed, w, b, y),
                    () -> java.forward(closed, w, b, y), "closed tensor");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.backwardData(y, w, x.reshape(3, 2)),
                    () -> java.backwardData(y, w, x.reshape(3, 2)), "linear backward data: gradInput must have shape");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.backwardData(y, w, y),
                    () -> java.backwardData(y, w, y), "gradInput must have shape (2, 3), got (2, 4)");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.backwardWeights(x, y, dw, null),
                    () -> java.backwardWeights(x, y, dw, null), "linear backward weights: gradBias is missing");
            assertSameFailure(IllegalArgumentException.class, () -> dnnlNoBias.backwardWeights(x, y, dw, db),
                    () -> javaNoBias.backwardWeights(x, y, dw, db), "gradBias must be null");
            LinearSpec square = new LinearSpec(2, 3, 3, false);
            try (Tensor dw3 = Tensor.allocate(3, 3); Tensor dy3 = Tensor.allocate(2, 3)) {
                Tensor firstRow = dw3.sliceBatch(0, 1).reshape(3); // a (3) view of dw3's first row
                Linear javaSquare = JAVA.linear(new LinearSpec(2, 3, 3, true));
                Linear dnnlSquare = onednn.linear(new LinearSpec(2, 3, 3, true));
                assertSameFailure(IllegalArgumentException.class,
                        () -> dnnlSquare.backwardWeights(x, dy3, dw3, firstRow),
                        () -> javaSquare.backwardWeights(x, dy3, dw3, firstRow),
                        "linear backward weights: gradBias must not share memory with gradWeight");
                assertSameFailure(IllegalArgumentException.class, () -> onednn.linear(square).forward(x, dw3, null, x),
                        () -> JAVA.linear(square).forward(x, dw3, null, x), "linear: output must not share memory with input");
            }
        }
    }

    @Test
    void oneOperationPerSpecAndClosedOperationFailsClearly() {
        backend("onednn");
        LinearSpec spec = new LinearSpec(2, 3, 4, false);
        OneDnnBackend backend = new OneDnnBackend();
        Linear op = backend.linear(spec);
        assertSame(op, backend.linear(new LinearSpec(2, 3, 4, false)));
        backend.close();
        assertEquals("onednn backend: linear after close()",
                assertThrows(IllegalStateException.class, () -> backend.linear(spec)).getMessage());
        try (Tensor x = Tensor.allocate(2, 3); Tensor w = Tensor.allocate(4, 3); Tensor y = Tensor.allocate(2, 4)) {
            assertEquals("linear: this oneDNN inner product " + spec + " was used after close()",
                    assertThrows(IllegalStateException.class, () -> op.forward(x, w, null, y)).getMessage());
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
