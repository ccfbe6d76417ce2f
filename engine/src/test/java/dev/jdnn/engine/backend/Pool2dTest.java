package dev.jdnn.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.onednn.OneDnn;
import dev.jdnn.engine.onednn.OneDnnBackend;
import dev.jdnn.engine.onednn.OneDnnPool2d;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.ReferencePooling;
import dev.jdnn.engine.testing.TestBackends;
import dev.jdnn.engine.testing.TestTensors;
import dev.jdnn.engine.testing.Tolerance;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pooling on every backend against the double reference (PyTorch's semantics: ceil mode, divisors, dilation), and
 * oneDNN against Java, forward, training forward and backward through the workspace; specs where oneDNN would differ
 * from PyTorch run on Java inside the oneDNN backend; bad arguments fail alike on both.
 *
 * <p>Tolerances: max pooling moves data, so its forward pass matches bit for bit; its backward pass sums the gradients
 * of the windows that chose an element (in an order that differs between backends), and averages are sums of at most
 * KH·KW terms divided once: both within {@link Tolerance#reductionBound} of the exact result for that length.
 */
class Pool2dTest {

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

    private static Backend onednn() {
        assumeTrue(onednn != null, () -> "oneDNN is not available: " + OneDnn.status().reason());
        return onednn;
    }

    record Case(int batch, int channels, int height, int width, PoolingMode mode, Window2d window) {

        Pool2dSpec spec() {
            return new Pool2dSpec(Shape.of(batch, channels, height, width), mode, window);
        }

        @Override
        public String toString() {
            Window2d w = window;
            return mode + " N" + batch + " C" + channels + " " + height + "x" + width + " k" + w.kernelH() + "x"
                    + w.kernelW() + " s" + w.strideH() + " p" + w.padH() + " d" + w.dilationH()
                    + (w.ceilMode() ? " ceil" : "");
        }
    }

    private static final int[] CHANNELS = {1, 3, 7, 16, 17};

    /**
     * Kernels {1, 2, 3, 5, 7, 11} × strides {1, 2} × paddings {0, 1, 3} (where PyTorch allows: pad <= kernel/2) ×
     * ceil mode × the three modes on 13×12 planes, then dilation 2 for max; channels and batch rotate with the case.
     */
    static Stream<Case> matrix() {
        List<Case> cases = new ArrayList<>();
        int index = 0;
        for (int kernel : new int[] {1, 2, 3, 5, 7, 11}) {
            for (int stride : new int[] {1, 2}) {
                for (int pad : new int[] {0, 1, 3}) {
                    if (pad > kernel / 2) {
                        continue;
                    }
                    for (boolean ceil : new boolean[] {false, true}) {
                        for (PoolingMode mode : PoolingMode.values()) {
                            cases.add(new Case(index % 4 == 0 ? 5 : 1, CHANNELS[index % CHANNELS.length], 13,
                                    index % 3 == 0 ? 13 : 12, mode, Window2d.square(kernel, stride, pad)
                                    .withCeilMode(ceil)));
                            index++;
                        }
                    }
                }
            }
        }
        for (int kernel : new int[] {2, 3}) {
            for (int stride : new int[] {1, 2}) {
                for (int pad = 0; pad <= kernel - 1; pad++) { // effective kernel 2k-1: pad up to k-1
                    for (boolean ceil : new boolean[] {false, true}) {
                        cases.add(new Case(index % 4 == 0 ? 5 : 1, CHANNELS[index % CHANNELS.length], 9, 10,
                                PoolingMode.MAX, Window2d.square(kernel, stride, pad).withDilation(2, 2)
                                .withCeilMode(ceil)));
                        index++;
                    }
                }
            }
        }
        // Rectangular windows and AlexNet's / ResNet's / GoogLeNet's.
        cases.add(new Case(1, 16, 9, 14, PoolingMode.MAX, new Window2d(2, 3, 2, 1, 1, 0, 1, 1, true)));
        cases.add(new Case(5, 3, 9, 14, PoolingMode.AVG_INCLUDE_PAD, new Window2d(3, 2, 1, 2, 1, 1, 1, 1, false)));
        cases.add(new Case(1, 17, 27, 27, PoolingMode.MAX, Window2d.square(3, 2, 0)));
        cases.add(new Case(1, 7, 56, 56, PoolingMode.MAX, Window2d.square(3, 2, 1)));
        cases.add(new Case(1, 7, 28, 28, PoolingMode.MAX, Window2d.square(3, 2, 0).withCeilMode(true)));
        return cases.stream();
    }

    /** Spec classes where oneDNN would differ from PyTorch: the onednn backend must run them on Java. */
    static Stream<Case> notOneDnnSemantics() {
        return Stream.of(
                // Ceil mode adds a window that overhangs the padding: PyTorch's divisor stops at the padding.
                new Case(1, 3, 6, 6, PoolingMode.AVG_INCLUDE_PAD, Window2d.square(3, 2, 1).withCeilMode(true)),
                new Case(5, 7, 13, 12, PoolingMode.AVG_INCLUDE_PAD, Window2d.square(3, 2, 0).withCeilMode(true)),
                // A dilated window holding only padding taps: PyTorch gives -infinity.
                new Case(1, 3, 1, 1, PoolingMode.MAX, Window2d.square(2, 1, 1).withDilation(2, 2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void matchesReferenceOnBothBackendsAndThemselves(Case c, TestReporter reporter) {
        Result java = check(JAVA, c);
        if (onednn != null) {
            Pool2d op = onednn.pool2d(c.spec());
            if (op instanceof OneDnnPool2d dnnl) {
                reporter.publishEntry(c.toString(), dnnl.implementation());
            }
            Result dnnl = check(onednn, c);
            Expected e = expected(c);
            assertAgree(e, java, dnnl, c);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notOneDnnSemantics")
    void specsWhereOneDnnDiffersRunOnJavaWithPyTorchsNumbers(Case c) {
        Backend backend = onednn();
        assertFalse(backend.pool2d(c.spec()) instanceof OneDnnPool2d, () -> c + " should have fallen back to Java");
        check(backend, c);
    }

    @Test
    void ceilModeThatAddsNoOverhangStaysOnOneDnn() {
        Backend backend = onednn();
        // 7x7, k3 s2 p1 ceil: the ceil window ends exactly at the padding, so divisors agree.
        Case c = new Case(1, 3, 7, 7, PoolingMode.AVG_INCLUDE_PAD, Window2d.square(3, 2, 1).withCeilMode(true));
        assertTrue(backend.pool2d(c.spec()) instanceof OneDnnPool2d);
        check(backend, c);
    }

    static Stream<Shape> globalShapes() {
        return Stream.of(Shape.of(1, 1, 1, 1), Shape.of(5, 17, 7, 7), Shape.of(1, 16, 13, 12), Shape.of(5, 3, 2, 9));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("globalShapes")
    void globalAveragePoolingIsTheWholePlaneWindow(Shape input) {
        Pool2dSpec spec = Pool2dSpec.globalAverage(input);
        assertEquals(Shape.of(input.dim(0), input.dim(1), 1, 1), spec.outputShape());
        int planes = input.dim(0) * input.dim(1);
        int planeSize = input.dim(2) * input.dim(3);
        float[] x = RandomData.uniform(input.hashCode(), (int) input.elementCount());
        float[] dy = RandomData.uniform(input.hashCode() + 1, planes);
        ReferencePooling.Sums forward = ReferencePooling.globalAvgPool2d(x, planes, planeSize);
        ReferencePooling.Sums backward = ReferencePooling.globalAvgPool2dBackward(dy, planes, planeSize);
        List<Backend> backends = new ArrayList<>(List.of(JAVA));
        if (onednn != null) {
            backends.add(onednn);
        }
        for (Backend backend : backends) {
            Result r = run(backend, spec, x, dy);
            Tolerance.assertWithinReductionBound(forward.values(), forward.magnitudes(), r.output, planeSize,
                    backend.name() + " global average " + input);
            Tolerance.assertWithinReductionBound(backward.values(), backward.magnitudes(), r.gradInput, 1,
                    backend.name() + " global average backward " + input);
        }
    }

    /** What one backend produced for a case. */
    record Result(float[] output, float[] trainingOutput, float[] gradInput) {
    }

    /** The reference for a case: forward values (and magnitudes), and the exact backward. */
    record Expected(float[] x, float[] dy, double[] forward, double[] forwardMagnitudes, double[] backward,
                    double[] backwardMagnitudes, float[] maxValues, float[] maxBackward, long backwardLength) {
    }

    private static Expected expected(Case c) {
        Pool2dSpec spec = c.spec();
        long seed = c.toString().hashCode();
        float[] x = distinct(seed, (int) spec.input().elementCount());
        float[] dy = RandomData.uniform(seed + 1, (int) spec.outputShape().elementCount());
        int planes = c.batch() * c.channels();
        Window2d w = c.window();
        int outputPlane = spec.outputShape().dim(2) * spec.outputShape().dim(3);
        int inputPlane = c.height() * c.width();
        long length = (long) w.kernelH() * w.kernelW();
        if (c.mode() == PoolingMode.MAX) {
            ReferencePooling.MaxPooled pooled = ReferencePooling.maxPool2d(x, planes, c.height(), c.width(), w);
            double[] values = new double[pooled.values().length];
            double[] magnitudes = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = pooled.values()[i];
                magnitudes[i] = Math.abs(values[i]);
            }
            // Exact backward: the sum of dy over the windows that chose each element.
            double[] backward = new double[planes * inputPlane];
            double[] backwardMagnitudes = new double[backward.length];
            for (int plane = 0; plane < planes; plane++) {
                for (int o = 0; o < outputPlane; o++) {
                    int index = pooled.indices()[plane * outputPlane + o];
                    if (index >= 0) {
                        backward[plane * inputPlane + index] += dy[plane * outputPlane + o];
                        backwardMagnitudes[plane * inputPlane + index] += Math.abs(dy[plane * outputPlane + o]);
                    }
                }
            }
            float[] maxBackward = ReferencePooling.maxPool2dBackward(dy, pooled.indices(), planes, outputPlane,
                    inputPlane);
            return new Expected(x, dy, values, magnitudes, backward, backwardMagnitudes, pooled.values(), maxBackward,
                    length);
        }
        boolean includePad = c.mode() == PoolingMode.AVG_INCLUDE_PAD;
        ReferencePooling.Sums forward = ReferencePooling.avgPool2d(x, planes, c.height(), c.width(), w, includePad);
        ReferencePooling.Sums backward = ReferencePooling.avgPool2dBackward(dy, planes, c.height(), c.width(), w,
                includePad);
        return new Expected(x, dy, forward.values(), forward.magnitudes(), backward.values(), backward.magnitudes(),
                null, null, length);
    }

    /** Runs {@code c} on {@code backend} and checks it against the reference. */
    private static Result check(Backend backend, Case c) {
        Expected e = expected(c);
        Result r = run(backend, c.spec(), e.x(), e.dy());
        String what = backend.name() + " " + c;
        Tolerance.assertBitsEqual(r.output(), r.trainingOutput(), what + ": training forward vs inference forward");
        if (e.maxValues() != null) {
            Tolerance.assertBitsEqual(e.maxValues(), r.output(), what + ": forward");
            if (backend == JAVA) {
                // The Java kernels add in ascending output order, as the float reference does.
                Tolerance.assertBitsEqual(e.maxBackward(), r.gradInput(), what + ": backward");
            }
        } else {
            Tolerance.assertWithinReductionBound(e.forward(), e.forwardMagnitudes(), r.output(), e.backwardLength(),
                    what + ": forward");
        }
        Tolerance.assertWithinReductionBound(e.backward(), e.backwardMagnitudes(), r.gradInput(), e.backwardLength(),
                what + ": backward");
        return r;
    }

    private static void assertAgree(Expected e, Result java, Result dnnl, Case c) {
        String what = "onednn vs java " + c;
        if (e.maxValues() != null) {
            Tolerance.assertBitsEqual(java.output(), dnnl.output(), what + ": forward");
        } else {
            Tolerance.assertAgreeWithinReductionBound(java.output(), dnnl.output(), e.forwardMagnitudes(),
                    e.backwardLength(), what + ": forward");
        }
        Tolerance.assertAgreeWithinReductionBound(java.gradInput(), dnnl.gradInput(), e.backwardMagnitudes(),
                e.backwardLength(), what + ": backward");
    }

    private static Result run(Backend backend, Pool2dSpec spec, float[] input, float[] gradOutput) {
        Pool2d op = backend.pool2d(spec);
        try (Tensor x = Tensor.of(input, spec.input().dims());
             Tensor y = Tensor.allocate(spec.outputShape(), DType.F32);
             Tensor yTraining = Tensor.allocate(spec.outputShape(), DType.F32);
             Tensor workspace = op.allocateWorkspace();
             Tensor dy = Tensor.of(gradOutput, spec.outputShape().dims());
             Tensor dx = Tensor.of(RandomData.uniform(7, (int) spec.input().elementCount()), spec.input().dims())) {
            op.forward(x, y);
            op.forwardTraining(x, yTraining, workspace);
            op.backward(dy, workspace, dx); // dx held garbage: backward overwrites
            return new Result(y.toFloatArray(), yTraining.toFloatArray(), dx.toFloatArray());
        }
    }

    /** {@code count} distinct floats in (-1, 1), shuffled: no ties, so every argmax is unambiguous. */
    private static float[] distinct(long seed, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (2f * i + 1 - count) / (count + 1);
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            float t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
        return values;
    }

    /** AlexNet's, VGG's, ResNet's and GoogLeNet's poolings at batch 1 must not run oneDNN's reference code. */
    @Test
    void cnnPoolingShapesGetOptimizedImplementations(TestReporter reporter) {
        Backend backend = onednn();
        List<Pool2dSpec> specs = List.of(
                Pool2dSpec.max(Shape.of(1, 64, 55, 55), Window2d.square(3, 2, 0)),                 // AlexNet
                Pool2dSpec.max(Shape.of(1, 64, 224, 224), Window2d.square(2, 2, 0)),               // VGG
                Pool2dSpec.max(Shape.of(1, 64, 112, 112), Window2d.square(3, 2, 1)),               // ResNet stem
                Pool2dSpec.max(Shape.of(1, 192, 56, 56), Window2d.square(3, 2, 0).withCeilMode(true)), // GoogLeNet
                Pool2dSpec.globalAverage(Shape.of(1, 2048, 7, 7)),                                 // ResNet head
                new Pool2dSpec(Shape.of(1, 480, 14, 14), PoolingMode.AVG_EXCLUDE_PAD,
                        Window2d.square(5, 3, 0)));                                                // GoogLeNet aux
        List<String> slow = new ArrayList<>();
        for (Pool2dSpec spec : specs) {
            Pool2d op = backend.pool2d(spec);
            String implementation = op instanceof OneDnnPool2d dnnl ? dnnl.implementation() : "java fallback";
            reporter.publishEntry(spec.toString(), implementation);
            if (implementation.contains("ref:") || !(op instanceof OneDnnPool2d)) {
                slow.add(spec + ": " + implementation);
            }
        }
        assertTrue(slow.isEmpty(), () -> "slow oneDNN pooling for " + slow);
    }

    @Test
    void workspaceContract() {
        List<Backend> backends = new ArrayList<>(List.of(JAVA));
        if (onednn != null) {
            backends.add(onednn);
        }
        Pool2dSpec max = Pool2dSpec.max(Shape.of(2, 3, 8, 8), Window2d.square(2, 2, 0));
        Pool2dSpec avg = new Pool2dSpec(Shape.of(2, 3, 8, 8), PoolingMode.AVG_EXCLUDE_PAD, Window2d.square(2, 2, 0));
        for (Backend backend : backends) {
            Shape shape = backend.pool2d(max).workspaceShape();
            assertEquals(1, shape.rank(), backend.name());
            assertNull(backend.pool2d(avg).workspaceShape(), backend.name() + ": average pooling keeps nothing");
            assertNull(backend.pool2d(avg).allocateWorkspace(), backend.name());
        }
    }

    @Test
    void badArgumentsFailWithTheSameMessages() {
        Backend dnnl = onednn();
        Pool2dSpec spec = Pool2dSpec.max(Shape.of(2, 3, 9, 9), Window2d.square(3, 2, 1));
        Pool2dSpec avg = new Pool2dSpec(Shape.of(2, 3, 9, 9), PoolingMode.AVG_INCLUDE_PAD, Window2d.square(3, 2, 1));
        Pool2d d = dnnl.pool2d(spec);
        Pool2d j = JAVA.pool2d(spec);
        Pool2d dAvg = dnnl.pool2d(avg);
        Pool2d jAvg = JAVA.pool2d(avg);
        try (Tensor x = Tensor.allocate(2, 3, 9, 9);
             Tensor y = Tensor.allocate(2, 3, 5, 5);
             Tensor wrongInput = Tensor.allocate(2, 3, 9, 8);
             Tensor wrongOutput = Tensor.allocate(2, 3, 4, 4);
             Tensor s8 = Tensor.allocate(Shape.of(2, 3, 9, 9), DType.S8);
             Tensor anyWorkspace = Tensor.allocate(Shape.of(8), DType.S8)) {
            Tensor closed = TestTensors.closed(2, 3, 9, 9);
            assertSameFailure(IllegalArgumentException.class, () -> d.forward(wrongInput, y),
                    () -> j.forward(wrongInput, y), "pool2d: input must have shape (2, 3, 9, 9)");
            assertSameFailure(IllegalArgumentException.class, () -> d.forward(x, wrongOutput),
                    () -> j.forward(x, wrongOutput), "pool2d: output must have shape (2, 3, 5, 5)");
            assertSameFailure(IllegalArgumentException.class, () -> d.forward(null, y),
                    () -> j.forward(null, y), "pool2d: input is null");
            assertSameFailure(IllegalArgumentException.class, () -> d.forward(s8, y),
                    () -> j.forward(s8, y), "must be f32, got s8");
            assertSameFailure(IllegalStateException.class, () -> d.forward(closed, y),
                    () -> j.forward(closed, y), "closed tensor");
            assertSameFailure(IllegalArgumentException.class, () -> d.forward(x, x),
                    () -> j.forward(x, x), "pool2d: output must have shape");
            assertSameFailure(IllegalArgumentException.class, () -> d.forwardTraining(x, y, null),
                    () -> j.forwardTraining(x, y, null), "pool2d: workspace is null");
            assertSameFailure(IllegalArgumentException.class, () -> d.backward(wrongOutput, null, x),
                    () -> j.backward(wrongOutput, null, x), "pool2d backward: gradOutput must have shape");
            assertSameFailure(IllegalArgumentException.class, () -> d.backward(y, null, wrongInput),
                    () -> j.backward(y, null, wrongInput), "pool2d backward: gradInput must have shape");
            assertSameFailure(IllegalArgumentException.class, () -> dAvg.forwardTraining(x, y, anyWorkspace),
                    () -> jAvg.forwardTraining(x, y, anyWorkspace), "pool2d: workspace must be null");
            assertSameFailure(IllegalArgumentException.class, () -> dAvg.backward(y, anyWorkspace, x),
                    () -> jAvg.backward(y, anyWorkspace, x), "pool2d backward: workspace must be null");
            // A workspace of the wrong size: both name it; the expected size is each backend's own.
            String fromOneDnn = assertThrows(IllegalArgumentException.class,
                    () -> d.forwardTraining(x, y, anyWorkspace)).getMessage();
            String fromJava = assertThrows(IllegalArgumentException.class,
                    () -> j.forwardTraining(x, y, anyWorkspace)).getMessage();
            assertTrue(fromOneDnn.startsWith("pool2d: workspace must have shape"), fromOneDnn);
            assertTrue(fromJava.startsWith("pool2d: workspace must have shape"), fromJava);
        }
        assertEquals("pool2d: dilation must be (1, 1) for AVG_INCLUDE_PAD (average pooling has none), got (2, 2)",
                assertThrows(IllegalArgumentException.class, () -> new Pool2dSpec(Shape.of(1, 1, 9, 9),
                        PoolingMode.AVG_INCLUDE_PAD, Window2d.square(3, 1, 1).withDilation(2, 2))).getMessage());
        assertEquals("pool2d: pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and"
                + " dilation=1 (height)", assertThrows(IllegalArgumentException.class,
                        () -> Pool2dSpec.max(Shape.of(1, 1, 9, 9), Window2d.square(3, 1, 2))).getMessage());
    }

    @Test
    void runAfterTheBackendClosedFailsClearly() {
        assumeTrue(onednn != null, "oneDNN is not available");
        Pool2dSpec spec = Pool2dSpec.max(Shape.of(1, 3, 5, 5), Window2d.square(2, 2, 0));
        OneDnnBackend backend = new OneDnnBackend();
        Pool2d op = backend.pool2d(spec);
        backend.close();
        assertEquals("onednn backend: pool2d after close()",
                assertThrows(IllegalStateException.class, () -> backend.pool2d(spec)).getMessage());
        try (Tensor x = Tensor.allocate(1, 3, 5, 5); Tensor y = Tensor.allocate(1, 3, 2, 2)) {
            assertTrue(assertThrows(IllegalStateException.class, () -> op.forward(x, y)).getMessage()
                    .contains("after close()"));
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
