package dev.jdnn.engine.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.Backends;
import dev.jdnn.engine.backend.Conv2dForward;
import dev.jdnn.engine.backend.Conv2dSpec;
import dev.jdnn.engine.backend.JavaBackend;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.backend.PreparedConv2d;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.ConvCase;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.ReferenceConv2d;
import dev.jdnn.engine.testing.TestBackends;
import dev.jdnn.engine.testing.TestTensors;
import dev.jdnn.engine.testing.Tolerance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * oneDNN's forward convolution against the double reference and against the Java backend on the same inputs, over
 * the awkward-size matrix; the ResNet-50 and VGG-16 shapes must not fall back to a reference implementation; bad
 * arguments fail as on the Java path; create/run/close leaks nothing.
 */
class OneDnnConv2dForwardTest {

    private static final JavaBackend JAVA = new JavaBackend();
    private static OneDnnBackend onednn;

    @BeforeAll
    static void openBackend() {
        onednn = TestBackends.oneDnnIfAvailable();
    }

    @AfterAll
    static void closeBackend() {
        TestBackends.closeAll(onednn);
    }

    @BeforeEach
    void requireOneDnn() {
        assumeTrue(OneDnn.isAvailable(), () -> "oneDNN is not available: " + OneDnn.status().reason());
    }

    /** One convolution of the matrix: input {@code (batch, channels, height, width)}. */
    record Case(int batch, int channels, int outChannels, int height, int width, Window2d window, int groups,
                boolean bias, PostOp postOp) {

        Conv2dSpec spec() {
            return new Conv2dSpec(Shape.of(batch, channels, height, width), outChannels, window, groups, bias, postOp);
        }

        @Override
        public String toString() {
            return "N" + batch + " C" + channels + "->" + outChannels + " " + height + "x" + width + " k"
                    + window.kernelH() + " s" + window.strideH() + " p" + window.padH() + " d" + window.dilationH()
                    + " g" + groups + (bias ? " bias " : " ") + postOp;
        }
    }

    /**
     * Strides {1, 2} × paddings {0, 1, 3} × kernels {1, 3, 5, 7, 11} × groups {1, C}, on a 13×12 image (so an 11×11
     * kernel fits unpadded); channels, batch, bias and post-op rotate with the case so each value meets many
     * geometries. Then dilation 2.
     */
    static Stream<Case> matrix() {
        List<Case> cases = new ArrayList<>();
        int index = 0;
        for (int stride : new int[] {1, 2}) {
            for (int padding : new int[] {0, 1, 3}) {
                for (int kernel : new int[] {1, 3, 5, 7, 11}) {
                    for (boolean depthwise : new boolean[] {false, true}) {
                        int channels = depthwise ? (index % 2 == 0 ? 8 : 3) : (index % 2 == 0 ? 3 : 17);
                        int outChannels = depthwise ? (index % 2 == 0 ? 8 : 6) : (index % 2 == 0 ? 8 : 17);
                        cases.add(new Case(index % 3 == 0 ? 5 : 1, channels, outChannels, 13, 12,
                                Window2d.square(kernel, stride, padding), depthwise ? channels : 1,
                                (index / 4) % 2 == 0, PostOp.values()[index % 4]));
                        index++;
                    }
                }
            }
        }
        cases.add(new Case(1, 3, 8, 13, 12, Window2d.square(3, 1, 2).withDilation(2, 2), 1, true, PostOp.RELU));
        cases.add(new Case(5, 8, 8, 13, 12, Window2d.square(3, 2, 1).withDilation(2, 2), 8, false, PostOp.SUM));
        cases.add(new Case(1, 17, 8, 13, 12, Window2d.square(5, 2, 3).withDilation(2, 2), 1, false,
                PostOp.SUM_RELU));
        // One channel in or out: oneDNN's channels-last layout is then the plain one, so the run is zero-copy.
        cases.add(new Case(5, 1, 8, 13, 12, Window2d.square(5, 1, 0), 1, true, PostOp.RELU));
        cases.add(new Case(1, 3, 1, 13, 12, Window2d.square(3, 2, 1), 1, true, PostOp.NONE));
        cases.add(new Case(5, 1, 1, 13, 12, Window2d.square(3, 1, 1), 1, false, PostOp.SUM_RELU));
        return cases.stream();
    }

    /** Every post-op with and without bias, at both batch sizes, on one plain and one depthwise 3×3. */
    static Stream<Case> postOps() {
        List<Case> cases = new ArrayList<>();
        for (PostOp postOp : PostOp.values()) {
            for (boolean bias : new boolean[] {false, true}) {
                for (int batch : new int[] {1, 5}) {
                    cases.add(new Case(batch, 17, 8, 9, 10, Window2d.square(3, 1, 1), 1, bias, postOp));
                    cases.add(new Case(batch, 17, 17, 9, 10, Window2d.square(3, 2, 1), 17, bias, postOp));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void matchesReferenceAndJavaOverTheMatrix(Case c) {
        check(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("postOps")
    void fusesBiasAndEveryPostOp(Case c) {
        check(c);
    }

    private static void check(Case c) {
        Conv2dSpec spec = c.spec();
        long seed = c.toString().hashCode();
        float[] input = RandomData.uniform(seed, (int) spec.input().elementCount());
        float[] weight = RandomData.uniform(seed + 1, (int) spec.weightShape().elementCount());
        float[] bias = c.bias() ? RandomData.uniform(seed + 2, c.outChannels()) : null;
        float[] previous = RandomData.uniform(seed + 3, (int) spec.outputShape().elementCount());
        ReferenceConv2d.Result expected = ConvCase.withPostOp(ReferenceConv2d.forward(input, spec.input(), weight,
                spec.weightShape(), bias, c.window(), c.groups()), previous, c.postOp());

        String[] implementation = new String[1];
        float[] fromOneDnn = run(onednn, spec, input, weight, bias, previous, implementation);
        float[] fromJava = run(JAVA, spec, input, weight, bias, previous, null);
        expected.assertMatches(fromOneDnn, "onednn (" + implementation[0] + ") " + c);
        expected.assertMatches(fromJava, "java " + c);
        Tolerance.assertAgreeWithinReductionBound(fromOneDnn, fromJava, expected.magnitudes(),
                expected.reductionLength(), "onednn (" + implementation[0] + ") vs java " + c);
    }

    /** Runs {@code spec} on {@code backend} with the output holding {@code previous} beforehand. */
    private static float[] run(Backend backend, Conv2dSpec spec, float[] input, float[] weight, float[] bias,
                               float[] previous, String[] implementation) {
        Conv2dForward conv = backend.conv2dForward(spec);
        try (Tensor x = Tensor.of(input, spec.input().dims());
             Tensor w = Tensor.of(weight, spec.weightShape().dims());
             Tensor b = bias == null ? null : Tensor.of(bias, spec.outChannels());
             Tensor y = Tensor.of(previous, spec.outputShape().dims())) {
            if (implementation != null) {
                implementation[0] = ((OneDnnConv2dForward) conv).implementation();
            }
            conv.run(x, w, b, y);
            float[] result = y.toFloatArray();
            ConvCase.assertPreparedRunMatches(conv, x, w, b, previous, result, backend.name());
            return result;
        }
    }

    @Test
    void runsOnTheTensorsOwnMemoryWhereTheChosenLayoutIsPlain() {
        // With one channel, oneDNN's channels-last source and destination are NCHW; only the weights get reordered.
        Conv2dSpec spec = new Conv2dSpec(Shape.of(1, 1, 13, 12), 1, Window2d.square(3, 1, 1), 1, false, PostOp.SUM);
        OneDnnConv2dForward conv = (OneDnnConv2dForward) onednn.conv2dForward(spec);
        assertEquals(List.of("reorder weights", "convolution"), conv.plan(), conv.implementation());
        Conv2dSpec blocked = new Conv2dSpec(Shape.of(1, 16, 13, 12), 16, Window2d.square(3, 1, 1), 1, false,
                PostOp.SUM);
        conv = (OneDnnConv2dForward) onednn.conv2dForward(blocked);
        assertEquals(List.of("reorder weights", "reorder source", "reorder output in", "convolution",
                "reorder output out"), conv.plan(), conv.implementation());
    }

    /** A 3×3 convolution (or 1×1) as an inference compiler would emit it: bias from folded batch norm. */
    private static Conv2dSpec conv(int inChannels, int outChannels, int size, int kernel, int stride, PostOp postOp) {
        return new Conv2dSpec(Shape.of(1, inChannels, size, size), outChannels,
                Window2d.square(kernel, stride, kernel / 2), 1, true, postOp);
    }

    /** Every distinct conv shape of torchvision's ResNet-50 (v1.5: stride on the 3×3) and VGG-16 at batch 1. */
    static List<Conv2dSpec> resnet50AndVgg16() {
        List<Conv2dSpec> specs = new ArrayList<>();
        specs.add(conv(3, 64, 224, 7, 2, PostOp.RELU)); // resnet50 conv1
        int[] widths = {64, 128, 256, 512};
        int[] sizes = {56, 28, 14, 7};
        int inChannels = 64;
        for (int stage = 0; stage < 4; stage++) {
            int width = widths[stage];
            int size = sizes[stage];
            int stride = stage == 0 ? 1 : 2;
            int inSize = size * stride;
            specs.add(conv(inChannels, width, inSize, 1, 1, PostOp.RELU));         // first block's conv1
            specs.add(conv(width, width, inSize, 3, stride, PostOp.RELU));         // first block's conv2
            specs.add(conv(inChannels, 4 * width, inSize, 1, stride, PostOp.NONE)); // downsample
            specs.add(conv(width, 4 * width, size, 1, 1, PostOp.SUM_RELU));       // conv3 + residual
            specs.add(conv(4 * width, width, size, 1, 1, PostOp.RELU));            // later blocks' conv1
            specs.add(conv(width, width, size, 3, 1, PostOp.RELU));                // later blocks' conv2
            inChannels = 4 * width;
        }
        int[][] vgg = {{3, 64, 224}, {64, 64, 224}, {64, 128, 112}, {128, 128, 112}, {128, 256, 56},
            {256, 256, 56}, {256, 512, 28}, {512, 512, 28}, {512, 512, 14}};
        for (int[] layer : vgg) {
            specs.add(conv(layer[0], layer[1], layer[2], 3, 1, PostOp.RELU));
        }
        return specs;
    }

    @Test
    void resnet50AndVgg16ShapesGetOptimizedImplementations(TestReporter reporter) {
        List<String> slow = new ArrayList<>();
        for (Conv2dSpec spec : resnet50AndVgg16()) {
            String implementation = ((OneDnnConv2dForward) onednn.conv2dForward(spec)).implementation();
            reporter.publishEntry(describe(spec), implementation);
            if (implementation.startsWith("ref")) {
                slow.add(describe(spec) + ": " + implementation);
            }
        }
        assertTrue(slow.isEmpty(), () -> "oneDNN chose a reference implementation (a layout or attribute mistake"
                + " that costs 10-100x) for: " + slow);
    }

    private static String describe(Conv2dSpec spec) {
        Window2d w = spec.window();
        return spec.input().dim(1) + "->" + spec.outChannels() + " " + w.kernelH() + "x" + w.kernelW() + "/"
                + w.strideH() + " at " + spec.input().dim(2) + " " + spec.postOp();
    }

    @Test
    void badArgumentsFailWithTheJavaPathsMessages() {
        Conv2dSpec spec = new Conv2dSpec(Shape.of(2, 3, 9, 9), 8, Window2d.square(3, 1, 1), 1, true, PostOp.RELU);
        Conv2dSpec noBias = new Conv2dSpec(Shape.of(2, 3, 9, 9), 8, Window2d.square(3, 1, 1), 1, false, PostOp.NONE);
        Conv2dForward dnnl = onednn.conv2dForward(spec);
        Conv2dForward java = JAVA.conv2dForward(spec);
        Conv2dForward dnnlNoBias = onednn.conv2dForward(noBias);
        Conv2dForward javaNoBias = JAVA.conv2dForward(noBias);
        try (Tensor x = Tensor.allocate(2, 3, 9, 9);
             Tensor w = Tensor.allocate(8, 3, 3, 3);
             Tensor b = Tensor.allocate(8);
             Tensor y = Tensor.allocate(2, 8, 9, 9);
             Tensor wrongInput = Tensor.allocate(2, 3, 9, 8);
             Tensor wrongWeight = Tensor.allocate(8, 3, 5, 5);
             Tensor wrongBias = Tensor.allocate(7);
             Tensor wrongOutput = Tensor.allocate(2, 8, 7, 7)) {
            Tensor closed = TestTensors.closed(2, 3, 9, 9);
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.run(wrongInput, w, b, y),
                    () -> java.run(wrongInput, w, b, y), "input");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.run(x, wrongWeight, b, y),
                    () -> java.run(x, wrongWeight, b, y), "weight");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.run(x, w, wrongBias, y),
                    () -> java.run(x, w, wrongBias, y), "bias");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.run(x, w, b, wrongOutput),
                    () -> java.run(x, w, b, wrongOutput), "output");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.run(x, w, null, y),
                    () -> java.run(x, w, null, y), "bias is missing");
            assertSameFailure(IllegalArgumentException.class, () -> dnnlNoBias.run(x, w, b, y),
                    () -> javaNoBias.run(x, w, b, y), "bias must be null");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.run(null, w, b, y),
                    () -> java.run(null, w, b, y), "input is null");
            assertSameFailure(IllegalStateException.class, () -> dnnl.run(closed, w, b, y),
                    () -> java.run(closed, w, b, y), "closed tensor");
        }
    }

    private static <T extends Throwable> void assertSameFailure(Class<T> type, Executable onednnCall,
                                                                Executable javaCall, String mentions) {
        String fromOneDnn = assertThrows(type, onednnCall).getMessage();
        String fromJava = assertThrows(type, javaCall).getMessage();
        assertEquals(fromJava, fromOneDnn);
        assertTrue(fromOneDnn.contains(mentions), () -> "message should mention '" + mentions + "': " + fromOneDnn);
    }

    @Test
    void oneOperationPerSpecAndRunAfterTheBackendClosedFailsClearly() {
        Conv2dSpec spec = new Conv2dSpec(Shape.of(1, 3, 5, 5), 4, Window2d.square(3, 1, 1), 1, false, PostOp.NONE);
        long before = NativeResources.liveHandles();
        OneDnnBackend backend = new OneDnnBackend();
        Conv2dForward conv = backend.conv2dForward(spec);
        assertSame(conv, backend.conv2dForward(spec), "a second request for the same spec compiles again");
        assertSame(conv, backend.conv2dForward(new Conv2dSpec(Shape.of(1, 3, 5, 5), 4, Window2d.square(3, 1, 1), 1,
                false, PostOp.NONE)), "an equal spec is the same key");
        assertNotSame(conv, backend.conv2dForward(new Conv2dSpec(Shape.of(1, 3, 5, 5), 4, Window2d.square(3, 1, 1),
                1, false, PostOp.RELU)));
        assertEquals(2, backend.compiledOperations());
        backend.close();
        backend.close(); // idempotent
        assertEquals(before, NativeResources.liveHandles(), "native handles left after the backend closed");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> backend.conv2dForward(spec));
        assertEquals("onednn backend: conv2d.forward after close()", e.getMessage());
        try (Tensor x = Tensor.allocate(1, 3, 5, 5);
             Tensor w = Tensor.allocate(4, 3, 3, 3);
             Tensor y = Tensor.allocate(1, 4, 5, 5)) {
            e = assertThrows(IllegalStateException.class, () -> conv.run(x, w, null, y));
            assertTrue(e.getMessage().contains("after close()"), e.getMessage());
        }
    }

    @Test
    void preparedConvolutionsOutliveTheirTensorsButNotTheirBackend() {
        for (String name : new String[] {"java", "onednn"}) {
            Conv2dSpec spec = new Conv2dSpec(Shape.of(1, 16, 6, 6), 16, Window2d.square(3, 1, 1), 1, true,
                    PostOp.RELU);
            Backend backend = Backends.select(name);
            PreparedConv2d prepared;
            try (Tensor w = Tensor.allocate(16, 16, 3, 3); Tensor b = Tensor.allocate(16)) {
                prepared = backend.conv2dForward(spec).prepare(w, b);
            }
            try (Tensor x = Tensor.allocate(1, 16, 6, 6); Tensor y = Tensor.allocate(1, 16, 6, 6);
                 Tensor small = Tensor.allocate(1, 16, 5, 5)) {
                prepared.run(x, y); // the weights' tensors are closed: the prepared copies are used
                IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                        () -> prepared.run(y, small));
                assertEquals("conv2d: output must have shape (1, 16, 6, 6), got (1, 16, 5, 5)", wrong.getMessage());
                backend.close();
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> prepared.run(x, y));
                assertTrue(e.getMessage().contains("after") && e.getMessage().contains("close"), e.getMessage());
                prepared.close();
                prepared.close(); // idempotent
            }
        }
    }

    /**
     * Creating a backend, running a convolution on it and closing it, 200 times, leaves no handle alive and does not grow the resident set by
     * anything like what they allocated (blocked copies of input and output: about a megabyte each).
     */
    @Test
    void repeatedCreateRunCloseLeaksNothing() throws IOException {
        Conv2dSpec spec = new Conv2dSpec(Shape.of(1, 17, 64, 64), 32, Window2d.square(3, 1, 1), 1, true,
                PostOp.SUM_RELU);
        try (Tensor x = Tensor.of(RandomData.uniform(1, 17 * 64 * 64), 1, 17, 64, 64);
             Tensor w = Tensor.of(RandomData.uniform(2, 32 * 17 * 9), 32, 17, 3, 3);
             Tensor b = Tensor.of(RandomData.uniform(3, 32), 32);
             Tensor y = Tensor.allocate(1, 32, 64, 64)) {
            long handles = NativeResources.liveHandles();
            for (int i = 0; i < 50; i++) { // warm up: JIT, oneDNN's kernel cache, malloc arenas
                createRunClose(spec, x, w, b, y);
            }
            long residentBefore = residentBytes();
            for (int i = 0; i < 200; i++) {
                createRunClose(spec, x, w, b, y);
            }
            long growth = residentBytes() - residentBefore;
            assertEquals(handles, NativeResources.liveHandles(), "oneDNN handles left alive after close()");
            if (growth > 64L << 20) {
                fail("resident memory grew by " + (growth >> 20) + " MB over 200 create/run/close cycles");
            }
        }
    }

    private static void createRunClose(Conv2dSpec spec, Tensor x, Tensor w, Tensor b, Tensor y) {
        try (OneDnnBackend backend = new OneDnnBackend()) {
            backend.conv2dForward(spec).run(x, w, b, y);
        }
    }

    /** This process's resident set size, from {@code /proc/self/statm} (skipped where there is none). */
    private static long residentBytes() throws IOException {
        Path statm = Path.of("/proc/self/statm");
        assumeTrue(Files.isReadable(statm), "no /proc/self/statm to measure resident memory");
        String[] fields = Files.readString(statm).trim().split("\\s+");
        return Long.parseLong(fields[1]) * 4096;
    }
}
