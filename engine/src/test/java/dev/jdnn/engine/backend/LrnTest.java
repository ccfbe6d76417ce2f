package dev.jdnn.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jdnn.engine.onednn.OneDnn;
import dev.jdnn.engine.onednn.OneDnnBackend;
import dev.jdnn.engine.onednn.OneDnnLrn;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.ReferenceLrn;
import dev.jdnn.engine.testing.TestBackends;
import dev.jdnn.engine.testing.TestTensors;
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
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LRN on every backend against the double reference written from PyTorch's formula (forward and backward, the
 * reference backward itself checked by central differences), oneDNN against Java, even sizes falling back to Java on
 * the oneDNN backend, bad arguments failing alike.
 *
 * <p>Tolerances. Forward: {@code s = k + alpha/size·Σa²} sums {@code size} positive terms, so its relative error is at
 * most γ(size + 2); {@code s^-beta} carries beta times that plus the power's own rounding (Java: once, in double;
 * oneDNN: a few float roundings of its {@code sqrt}/{@code pow} formulation), and the product with {@code a} one more:
 * within {@code beta·(size + 2) + 8} units of relative roundoff, i.e. that many ulps (an f32 ulp is at least one unit
 * of roundoff of the value). Backward: each term of {@code dA} carries the relative error of {@code s^-beta / s}
 * ({@code (beta + 1)·γ(size + 2)}) plus a few roundings, then {@code size + 1} terms are summed: the reduction bound of
 * length {@code (beta + 1)·(size + 2) + size + 8} over the terms' magnitudes.
 */
class LrnTest {

    private static final JavaBackend JAVA = new JavaBackend();
    private static OneDnnBackend onednn;

    @BeforeAll
    static void openBackend() {
        onednn = TestBackends.oneDnnIfAvailable();
    }

    @AfterAll
    static void closeBackends() {
        TestBackends.closeAll(JAVA, onednn);
    }

    record Case(int batch, int channels, int height, int width, int size, float alpha, float beta, float k) {

        LrnSpec spec() {
            return new LrnSpec(Shape.of(batch, channels, height, width), size, alpha, beta, k);
        }

        double forwardUlps() {
            return beta * (size + 2) + 8;
        }

        long backwardLength() {
            return (long) Math.ceil((beta + 1) * (size + 2)) + size + 8;
        }

        @Override
        public String toString() {
            return "N" + batch + " C" + channels + " " + height + "x" + width + " size " + size + " alpha " + alpha
                    + " beta " + beta + " k " + k;
        }
    }

    /**
     * Sizes {1, 2, 3, 5} × channels {1, 3, 7, 17}; batch, plane size and (alpha, beta, k) rotate: PyTorch's defaults,
     * AlexNet's, and a strong normalization (alpha 1) so the window term matters at these magnitudes.
     */
    static Stream<Case> matrix() {
        float[][] parameters = {{1e-4f, 0.75f, 1f}, {1e-4f, 0.75f, 2f}, {1f, 0.75f, 1f}, {0.5f, 1.5f, 0.5f}};
        int[][] planes = {{5, 6}, {1, 1}, {9, 7}, {4, 37}};
        List<Case> cases = new ArrayList<>();
        int index = 0;
        for (int size : new int[] {1, 2, 3, 5}) {
            for (int channels : new int[] {1, 3, 7, 17}) {
                float[] p = parameters[index % parameters.length];
                int[] plane = planes[(index / 2) % planes.length];
                cases.add(new Case(index % 3 == 0 ? 5 : 1, channels, plane[0], plane[1], size, p[0], p[1], p[2]));
                index++;
            }
        }
        cases.add(new Case(1, 96, 13, 13, 5, 1e-4f, 0.75f, 2f)); // AlexNet's first LRN, scaled down
        cases.add(new Case(5, 16, 3, 3, 4, 1f, 0.75f, 1f));
        cases.add(new Case(1, 17, 2, 3, 11, 1f, 0.75f, 1f));
        return cases.stream();
    }

    record Result(float[] output, float[] trainingOutput, float[] gradInput) {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void matchesReferenceOnBothBackendsAndThemselves(Case c, TestReporter reporter) {
        Result java = check(JAVA, c);
        if (onednn != null) {
            Lrn op = onednn.lrn(c.spec());
            if (op instanceof OneDnnLrn dnnl) {
                reporter.publishEntry(c.toString(), dnnl.implementation());
            } else {
                assertTrue(c.size() % 2 == 0 || c.size() == 1, "only even sizes and size 1 fall back");
            }
            Result dnnl = check(onednn, c);
            // Each is within the bound of the exact value, so they are within twice of each other.
            double[] exact = expectedForward(c);
            double[] bothForward = new double[exact.length];
            for (int i = 0; i < exact.length; i++) {
                bothForward[i] = 2 * c.forwardUlps() * Math.ulp((float) exact[i]);
                assertTrue(Math.abs((double) java.output()[i] - dnnl.output()[i]) <= bothForward[i] + Float.MIN_NORMAL,
                        () -> "onednn vs java " + c + ": forward differs beyond twice the per-backend bound");
            }
            ReferenceLrn.Gradient gradient = expectedBackward(c);
            Tolerance.assertAgreeWithinReductionBound(java.gradInput(), dnnl.gradInput(), gradient.magnitudes(),
                    c.backwardLength(), "onednn vs java " + c + ": backward");
        }
    }

    @Test
    void evenSizesRunOnJavaInsideTheOneDnnBackend() {
        assumeTrue(onednn != null, () -> "oneDNN is not available: " + OneDnn.status().reason());
        Case c = new Case(5, 7, 5, 6, 2, 1f, 0.75f, 1f);
        assertFalse(onednn.lrn(c.spec()) instanceof OneDnnLrn);
        check(onednn, c);
        assertTrue(onednn.lrn(new Case(5, 7, 5, 6, 3, 1f, 0.75f, 1f).spec()) instanceof OneDnnLrn);
    }

    private static float[] input(Case c) {
        return RandomData.uniform(c.toString().hashCode(), (int) c.spec().input().elementCount(), -2f, 2f);
    }

    private static float[] gradOutput(Case c) {
        return RandomData.uniform(c.toString().hashCode() + 1, (int) c.spec().input().elementCount());
    }

    private static double[] expectedForward(Case c) {
        return ReferenceLrn.forward(input(c), c.batch(), c.channels(), c.height() * c.width(), c.size(), c.alpha(),
                c.beta(), c.k());
    }

    private static ReferenceLrn.Gradient expectedBackward(Case c) {
        return ReferenceLrn.backward(input(c), gradOutput(c), c.batch(), c.channels(), c.height() * c.width(),
                c.size(), c.alpha(), c.beta(), c.k());
    }

    private static Result check(Backend backend, Case c) {
        Result r = run(backend, c.spec(), input(c), gradOutput(c));
        String what = backend.name() + " " + c;
        Tolerance.assertBitsEqual(r.output(), r.trainingOutput(), what + ": training forward vs inference forward");
        Tolerance.assertWithinUlps(expectedForward(c), r.output(), c.forwardUlps(), Float.MIN_NORMAL,
                what + ": forward");
        ReferenceLrn.Gradient gradient = expectedBackward(c);
        Tolerance.assertWithinReductionBound(gradient.values(), gradient.magnitudes(), r.gradInput(),
                c.backwardLength(), what + ": backward");
        return r;
    }

    private static Result run(Backend backend, LrnSpec spec, float[] input, float[] gradOutput) {
        Lrn op = backend.lrn(spec);
        int[] dims = spec.input().dims();
        try (Tensor x = Tensor.of(input, dims);
             Tensor y = Tensor.allocate(spec.input(), DType.F32);
             Tensor yTraining = Tensor.allocate(spec.input(), DType.F32);
             Tensor workspace = op.allocateWorkspace();
             Tensor dy = Tensor.of(gradOutput, dims);
             Tensor dx = Tensor.of(RandomData.uniform(7, input.length), dims)) {
            op.forward(x, y);
            op.forwardTraining(x, yTraining, workspace);
            op.backward(x, dy, workspace, dx); // dx held garbage: backward overwrites
            return new Result(y.toFloatArray(), yTraining.toFloatArray(), dx.toFloatArray());
        }
    }

    /** The reference backward against central differences of {@code L = Σ dB·b} in double, sizes 1 to 4. */
    @Test
    void referenceBackwardAgreesWithFiniteDifferences() {
        int n = 2;
        int c = 5;
        int plane = 3;
        for (int size = 1; size <= 4; size++) {
            double[] a = ReferenceLrn.toDouble(RandomData.uniform(size, n * c * plane, -2f, 2f));
            double[] dB = ReferenceLrn.toDouble(RandomData.uniform(size + 10, a.length));
            double alpha = 0.8;
            double beta = 0.75;
            double k = 1.5;
            double[] analytic = ReferenceLrn.backward(a, dB, n, c, plane, size, alpha, beta, k).values();
            double h = 1e-6;
            for (int i = 0; i < a.length; i++) {
                double saved = a[i];
                a[i] = saved + h;
                double plus = dot(dB, ReferenceLrn.forward(a, n, c, plane, size, alpha, beta, k));
                a[i] = saved - h;
                double minus = dot(dB, ReferenceLrn.forward(a, n, c, plane, size, alpha, beta, k));
                a[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                // Central differences: O(h²) truncation plus O(eps/h) cancellation, about 1e-9 here.
                assertEquals(numeric, analytic[i], 1e-7, "size " + size + " element " + i);
            }
        }
    }

    private static double dot(double[] x, double[] y) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += x[i] * y[i];
        }
        return sum;
    }

    @Test
    void badArgumentsFailWithTheSameMessages() {
        assumeTrue(onednn != null, () -> "oneDNN is not available: " + OneDnn.status().reason());
        LrnSpec spec = LrnSpec.of(Shape.of(2, 7, 5, 5), 5);
        Lrn d = onednn.lrn(spec);
        Lrn j = JAVA.lrn(spec);
        try (Tensor x = Tensor.allocate(2, 7, 5, 5);
             Tensor y = Tensor.allocate(2, 7, 5, 5);
             Tensor g = Tensor.allocate(2, 7, 5, 5);
             Tensor wrong = Tensor.allocate(2, 7, 5, 4)) {
            Tensor closed = TestTensors.closed(2, 7, 5, 5);
            assertSameFailure(IllegalArgumentException.class, () -> d.forward(wrong, y), () -> j.forward(wrong, y),
                    "lrn: input must have shape (2, 7, 5, 5)");
            assertSameFailure(IllegalArgumentException.class, () -> d.forward(x, wrong), () -> j.forward(x, wrong),
                    "lrn: output must have shape");
            assertSameFailure(IllegalArgumentException.class, () -> d.forward(x, x), () -> j.forward(x, x),
                    "lrn: output must not share memory with the input");
            assertSameFailure(IllegalArgumentException.class, () -> d.forward(null, y), () -> j.forward(null, y),
                    "lrn: input is null");
            assertSameFailure(IllegalStateException.class, () -> d.forward(closed, y), () -> j.forward(closed, y),
                    "closed tensor");
            assertSameFailure(IllegalArgumentException.class, () -> d.backward(x, wrong, null, g),
                    () -> j.backward(x, wrong, null, g), "lrn backward: gradOutput must have shape");
            assertSameFailure(IllegalArgumentException.class, () -> d.backward(x, y, null, y),
                    () -> j.backward(x, y, null, y), "lrn backward: gradInput must not share memory with gradOutput");
        }
        assertEquals("lrn: size must be positive, got 0",
                assertThrows(IllegalArgumentException.class, () -> LrnSpec.of(Shape.of(1, 3, 2, 2), 0)).getMessage());
    }

    private static <T extends Throwable> void assertSameFailure(Class<T> type, Executable onednnCall,
                                                                Executable javaCall, String mentions) {
        String fromOneDnn = assertThrows(type, onednnCall).getMessage();
        String fromJava = assertThrows(type, javaCall).getMessage();
        assertEquals(fromJava, fromOneDnn);
        assertTrue(fromOneDnn.contains(mentions), () -> "message should mention '" + mentions + "': " + fromOneDnn);
    }
}
