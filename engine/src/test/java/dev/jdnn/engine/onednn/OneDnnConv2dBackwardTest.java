package dev.jdnn.engine.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jdnn.engine.backend.Conv2dBackward;
import dev.jdnn.engine.backend.Conv2dSpec;
import dev.jdnn.engine.backend.JavaBackend;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.ConvBackwardCase;
import dev.jdnn.engine.testing.ConvBackwardProperties;
import dev.jdnn.engine.testing.TestBackends;
import dev.jdnn.engine.testing.TestTensors;
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
 * oneDNN's convolution backward (data, weights, bias) against the double reference and against the Java backend on the
 * same inputs over the awkward-size matrix (tolerances: see {@link ConvBackwardCase}); the adjoint identities with
 * oneDNN's own forward; ResNet-50-like shapes must not get a reference implementation; bad arguments and fused
 * post-ops fail as on the Java path.
 */
class OneDnnConv2dBackwardTest {

    private static final JavaBackend JAVA = new JavaBackend();
    private static OneDnnBackend onednn;

    @BeforeAll
    static void openBackend() {
        onednn = TestBackends.oneDnnIfAvailable();
    }

    @AfterAll
    static void closeBackend() {
        TestBackends.closeAll(JAVA, onednn);
    }

    @BeforeEach
    void requireOneDnn() {
        assumeTrue(OneDnn.isAvailable(), () -> "oneDNN is not available: " + OneDnn.status().reason());
    }

    static Stream<ConvBackwardCase> matrix() {
        return ConvBackwardCase.matrix();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void matchesReferenceAndJavaOverTheMatrix(ConvBackwardCase c) {
        ConvBackwardCase.Expected expected = c.expected();
        ConvBackwardCase.Gradients fromOneDnn = c.run(onednn);
        ConvBackwardCase.Gradients fromJava = c.run(JAVA);
        String who = "onednn (" + implementations(c.spec()) + ")";
        c.assertMatches(expected, fromOneDnn, who);
        c.assertAgree(expected, fromOneDnn, fromJava, who + " vs java");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jdnn.engine.testing.ConvBackwardProperties#cases")
    void backwardPassesAreTheForwardsAdjoints(ConvBackwardCase c) {
        ConvBackwardProperties.assertAdjoint(onednn, c);
    }

    /** {@code data / weights} implementation names, or {@code java fallback}. */
    private static String implementations(Conv2dSpec spec) {
        return onednn.conv2dBackward(spec) instanceof OneDnnConv2dBackward b
                ? b.dataImplementation() + " / " + b.weightsImplementation() : "java fallback";
    }

    /**
     * ResNet-50's 3×3 and 1×1 shapes at 56×56 and 14×14 with 64-256 channels, at batch 2 (the implementation choice
     * depends on the batch only through threading heuristics; batch 32 would take too long to compile and run here).
     */
    static List<Conv2dSpec> resnet50Like() {
        List<Conv2dSpec> specs = new ArrayList<>();
        for (int size : new int[] {56, 14}) {
            int width = size == 56 ? 64 : 256;
            specs.add(spec(width, width, size, 3, 1));      // a block's 3×3
            specs.add(spec(width, 4 * width, size, 1, 1));  // conv3 (1×1 expand)
            specs.add(spec(4 * width, width, size, 1, 1));  // conv1 (1×1 reduce)
        }
        specs.add(spec(64, 128, 56, 3, 2));                 // a stage's first, strided 3×3
        specs.add(spec(256, 512, 56, 1, 2));                // a stage's downsample
        return specs;
    }

    private static Conv2dSpec spec(int inChannels, int outChannels, int size, int kernel, int stride) {
        return new Conv2dSpec(Shape.of(2, inChannels, size, size), outChannels,
                Window2d.square(kernel, stride, kernel / 2), 1, false, PostOp.NONE);
    }

    @Test
    void resnet50LikeShapesGetOptimizedImplementations(TestReporter reporter) {
        List<String> slow = new ArrayList<>();
        for (Conv2dSpec spec : resnet50Like()) {
            Conv2dBackward backward = onednn.conv2dBackward(spec);
            assertTrue(backward instanceof OneDnnConv2dBackward, () -> "oneDNN fell back to Java for " + spec);
            OneDnnConv2dBackward b = (OneDnnConv2dBackward) backward;
            String describe = describe(spec);
            reporter.publishEntry(describe, "data " + b.dataImplementation() + ", weights "
                    + b.weightsImplementation());
            if (b.dataImplementation().startsWith("ref") || b.weightsImplementation().startsWith("ref")) {
                slow.add(describe + ": " + b.dataImplementation() + " / " + b.weightsImplementation());
            }
        }
        assertTrue(slow.isEmpty(), () -> "oneDNN chose a reference implementation for: " + slow);
    }

    private static String describe(Conv2dSpec spec) {
        Window2d w = spec.window();
        return spec.input().dim(1) + "->" + spec.outChannels() + " " + w.kernelH() + "x" + w.kernelW() + "/"
                + w.strideH() + " at " + spec.input().dim(2) + " N" + spec.input().dim(0);
    }

    @Test
    void aFusedPostOpIsRefusedAsOnTheJavaPath() {
        for (PostOp postOp : new PostOp[] {PostOp.RELU, PostOp.SUM, PostOp.SUM_RELU}) {
            Conv2dSpec fused = new Conv2dSpec(Shape.of(1, 3, 5, 5), 4, Window2d.square(3, 1, 1), 1, true, postOp);
            assertSameFailure(IllegalArgumentException.class, () -> onednn.conv2dBackward(fused),
                    () -> JAVA.conv2dBackward(fused), "post-op must be NONE, got " + postOp);
        }
    }

    @Test
    void badArgumentsFailWithTheJavaPathsMessages() {
        Conv2dSpec spec = new Conv2dSpec(Shape.of(2, 3, 9, 9), 8, Window2d.square(3, 1, 1), 1, true, PostOp.NONE);
        Conv2dSpec noBias = new Conv2dSpec(Shape.of(2, 8, 9, 9), 8, Window2d.square(3, 1, 1), 1, false, PostOp.NONE);
        Conv2dBackward dnnl = onednn.conv2dBackward(spec);
        Conv2dBackward java = JAVA.conv2dBackward(spec);
        Conv2dBackward dnnlNoBias = onednn.conv2dBackward(noBias);
        Conv2dBackward javaNoBias = JAVA.conv2dBackward(noBias);
        try (Tensor x = Tensor.allocate(2, 3, 9, 9);
             Tensor w = Tensor.allocate(8, 3, 3, 3);
             Tensor dy = Tensor.allocate(2, 8, 9, 9);
             Tensor dx = Tensor.allocate(2, 3, 9, 9);
             Tensor dw = Tensor.allocate(8, 3, 3, 3);
             Tensor db = Tensor.allocate(8);
             Tensor square = Tensor.allocate(2, 8, 9, 9);
             Tensor squareWeight = Tensor.allocate(8, 8, 3, 3);
             Tensor wrongInput = Tensor.allocate(2, 3, 9, 8);
             Tensor wrongWeight = Tensor.allocate(8, 3, 5, 5);
             Tensor wrongGradOutput = Tensor.allocate(2, 8, 7, 7);
             Tensor wrongBias = Tensor.allocate(7)) {
            Tensor closed = TestTensors.closed(2, 8, 9, 9);
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.backwardData(wrongGradOutput, w, dx),
                    () -> java.backwardData(wrongGradOutput, w, dx), "gradOutput");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.backwardData(dy, wrongWeight, dx),
                    () -> java.backwardData(dy, wrongWeight, dx), "weight");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.backwardData(dy, w, wrongInput),
                    () -> java.backwardData(dy, w, wrongInput), "gradInput");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.backwardData(null, w, dx),
                    () -> java.backwardData(null, w, dx), "gradOutput is null");
            assertSameFailure(IllegalStateException.class, () -> dnnl.backwardData(closed, w, dx),
                    () -> java.backwardData(closed, w, dx), "closed tensor");
            assertSameFailure(IllegalArgumentException.class, () -> dnnlNoBias.backwardData(square, squareWeight,
                    square), () -> javaNoBias.backwardData(square, squareWeight, square), "must not share memory");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.backwardWeights(wrongInput, dy, dw, db),
                    () -> java.backwardWeights(wrongInput, dy, dw, db), "input");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.backwardWeights(x, wrongGradOutput, dw, db),
                    () -> java.backwardWeights(x, wrongGradOutput, dw, db), "gradOutput");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.backwardWeights(x, dy, wrongWeight, db),
                    () -> java.backwardWeights(x, dy, wrongWeight, db), "gradWeight");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.backwardWeights(x, dy, dw, wrongBias),
                    () -> java.backwardWeights(x, dy, dw, wrongBias), "gradBias");
            assertSameFailure(IllegalArgumentException.class, () -> dnnl.backwardWeights(x, dy, dw, null),
                    () -> java.backwardWeights(x, dy, dw, null), "gradBias is missing");
            assertSameFailure(IllegalArgumentException.class,
                    () -> dnnlNoBias.backwardWeights(square, square, squareWeight, db),
                    () -> javaNoBias.backwardWeights(square, square, squareWeight, db), "gradBias must be null");
            assertSameFailure(IllegalStateException.class, () -> dnnlNoBias.backwardWeights(closed, dy,
                    squareWeight, null), () -> javaNoBias.backwardWeights(closed, dy, squareWeight, null),
                    "closed tensor");
        }
    }

    /** A tensor that has been closed. */

    private static <T extends Throwable> void assertSameFailure(Class<T> type, Executable onednnCall,
                                                                Executable javaCall, String mentions) {
        String fromOneDnn = assertThrows(type, onednnCall).getMessage();
        String fromJava = assertThrows(type, javaCall).getMessage();
        assertEquals(fromJava, fromOneDnn);
        assertTrue(fromOneDnn.contains(mentions), () -> "message should mention '" + mentions + "': " + fromOneDnn);
    }

    @Test
    void runAfterTheBackendClosedFailsClearlyAndLeavesNoHandles() {
        Conv2dSpec spec = new Conv2dSpec(Shape.of(1, 3, 5, 5), 4, Window2d.square(3, 1, 1), 1, true, PostOp.NONE);
        long before = NativeResources.liveHandles();
        OneDnnBackend backend = new OneDnnBackend();
        Conv2dBackward backward = backend.conv2dBackward(spec);
        backend.close();
        assertEquals(before, NativeResources.liveHandles(), "native handles left after the backend closed");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> backend.conv2dBackward(spec));
        assertEquals("onednn backend: conv2d.backward after close()", e.getMessage());
        try (Tensor x = Tensor.allocate(1, 3, 5, 5);
             Tensor dy = Tensor.allocate(1, 4, 5, 5);
             Tensor dw = Tensor.allocate(4, 3, 3, 3);
             Tensor db = Tensor.allocate(4)) {
            e = assertThrows(IllegalStateException.class, () -> backward.backwardWeights(x, dy, dw, db));
            assertTrue(e.getMessage().contains("after close()"), e.getMessage());
        }
    }

    @Test
    void runsOnTheTensorsOwnMemoryWhereTheChosenLayoutIsPlain() {
        // With one input channel, a blocked or channels-last source is NCHW: the input is read in place.
        Conv2dSpec spec = new Conv2dSpec(Shape.of(1, 1, 13, 12), 2, Window2d.square(5, 1, 0), 1, false,
                PostOp.NONE);
        OneDnnConv2dBackward backward = (OneDnnConv2dBackward) onednn.conv2dBackward(spec);
        assertTrue(backward.dataPlan().contains("backward data"), backward.dataPlan()::toString);
        assertTrue(backward.weightsPlan().contains("backward weights"), backward.weightsPlan()::toString);
        assertTrue(!backward.weightsPlan().contains("reorder input"),
                () -> backward.weightsImplementation() + " " + backward.weightsPlan());
    }
}
