package dev.jdnn.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.BatchNormCase;
import dev.jdnn.engine.testing.ReferenceBatchNorm;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java batch norm against the double reference over the awkward-size matrix (tolerances: see
 * {@link ReferenceBatchNorm}), in place, and its argument checks. oneDNN's test compares the two backends.
 */
class JavaBatchNorm2dTest {

    private static final JavaBackend JAVA = new JavaBackend();

    @AfterAll
    static void closeBackend() {
        JAVA.close();
    }

    static Stream<BatchNormCase> matrix() {
        return BatchNormCase.matrix();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void inferenceMatchesTheReferenceOutOfPlaceAndInPlace(BatchNormCase c) {
        ReferenceBatchNorm.Result expected = c.expectedInference();
        expected.assertMatches(c.runInference(JAVA, false), "java inference " + c);
        expected.assertMatches(c.runInference(JAVA, true), "java inference in place " + c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void trainingAndBackwardMatchTheReference(BatchNormCase c) {
        if (!c.trainable()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.runTraining(JAVA));
            assertEquals("batchnorm2d: training needs more than 1 value per channel (N·H·W), got input "
                    + c.shape(), e.getMessage());
            return;
        }
        ReferenceBatchNorm.Training expected = c.expectedTraining();
        float[][] actual = c.runTraining(JAVA);
        expected.output().assertMatches(actual[0], "java training output " + c);
        expected.mean().assertMatches(actual[1], "java training mean " + c);
        expected.variance().assertMatches(actual[2], "java training variance " + c);

        float[] saveMean = expected.mean().toFloats();
        float[] saveVar = expected.variance().toFloats();
        ReferenceBatchNorm.Gradients gradients = c.expectedBackward(saveMean, saveVar);
        float[][] grads = c.runBackward(JAVA, saveMean, saveVar);
        gradients.input().assertMatches(grads[0], "java gradInput " + c);
        gradients.weight().assertMatches(grads[1], "java gradWeight " + c);
        gradients.bias().assertMatches(grads[2], "java gradBias " + c);
    }

    @Test
    void oneOperationPerSpec() {
        BatchNormSpec spec = new BatchNormSpec(Shape.of(2, 3, 4, 5), 1e-5);
        assertSame(JAVA.batchNorm2d(spec), JAVA.batchNorm2d(new BatchNormSpec(Shape.of(2, 3, 4, 5), 1e-5)));
    }

    @Test
    void specRejectsBadShapesAndEpsilons() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BatchNormSpec(Shape.of(2, 3, 4), 1e-5));
        assertEquals("batchnorm2d: input must be (N, C, H, W), got (2, 3, 4)", e.getMessage());
        for (double epsilon : new double[] {0, -1e-5, Double.NaN, Double.POSITIVE_INFINITY, 1e-50, 1e39}) {
            e = assertThrows(IllegalArgumentException.class, () -> new BatchNormSpec(Shape.of(2, 3, 4, 5), epsilon));
            assertTrue(e.getMessage().startsWith("batchnorm2d: epsilon must be positive and finite"), e.getMessage());
        }
    }

    @Test
    void partialOverlapIsRefused() {
        BatchNorm2d op = JAVA.batchNorm2d(new BatchNormSpec(Shape.of(1, 2, 2, 2), 1e-5));
        try (Tensor memory = Tensor.allocate(5, 4);
             Tensor stats = Tensor.allocate(2)) {
            Tensor x = memory.sliceBatch(0, 2).reshape(1, 2, 2, 2);      // elements 0..7
            Tensor shifted = memory.sliceBatch(1, 2).reshape(1, 2, 2, 2); // elements 4..11
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> op.forwardInference(x, stats, stats, stats, stats, shifted));
            assertEquals("batchnorm2d: output must be input itself or not share memory with it, got a partial overlap",
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> op.forwardTraining(x, stats, stats, shifted, stats, stats));
            assertEquals("batchnorm2d: output must not share memory with input", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> op.forwardTraining(x, stats, stats, x, stats, stats));
            assertEquals("batchnorm2d: output must not share memory with input", e.getMessage());
        }
    }
}
