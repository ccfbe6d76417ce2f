package dev.jdnn.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.ConvBackwardCase;
import dev.jdnn.engine.testing.ConvBackwardProperties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java convolution backward (im2col / col2im + SGEMM, the per-channel bias sum) against the double reference over
 * the awkward-size matrix (tolerance: see {@link ConvBackwardCase}), the adjoint identities that tie it to the Java
 * forward, and its argument checks. oneDNN's is compared with it in {@code OneDnnConv2dBackwardTest}.
 */
class JavaConv2dBackwardTest {

    private static final JavaBackend JAVA = new JavaBackend();

    @AfterAll
    static void closeBackend() {
        JAVA.close();
    }

    static Stream<ConvBackwardCase> matrix() {
        return ConvBackwardCase.matrix();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void matchesTheReference(ConvBackwardCase c) {
        c.assertMatches(c.expected(), c.run(JAVA), "java");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jdnn.engine.testing.ConvBackwardProperties#cases")
    void backwardPassesAreTheForwardsAdjoints(ConvBackwardCase c) {
        ConvBackwardProperties.assertAdjoint(JAVA, c);
    }

    @Test
    void oneOperationPerSpecAndAFusedPostOpIsRefused() {
        Conv2dSpec spec = new Conv2dSpec(Shape.of(1, 3, 5, 5), 4, Window2d.square(3, 1, 1), 1, true, PostOp.NONE);
        assertSame(JAVA.conv2dBackward(spec), JAVA.conv2dBackward(spec));
        for (PostOp postOp : new PostOp[] {PostOp.RELU, PostOp.SUM, PostOp.SUM_RELU}) {
            Conv2dSpec fused = new Conv2dSpec(Shape.of(1, 3, 5, 5), 4, Window2d.square(3, 1, 1), 1, true, postOp);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> JAVA.conv2dBackward(fused));
            assertTrue(e.getMessage().startsWith("conv2d backward: the spec's post-op must be NONE, got " + postOp),
                    e.getMessage());
        }
    }

    @Test
    void rejectsArgumentsThatDoNotFitTheSpec() {
        Conv2dSpec spec = new Conv2dSpec(Shape.of(2, 3, 8, 8), 4, Window2d.square(3, 1, 1), 1, true, PostOp.NONE);
        Conv2dBackward backward = JAVA.conv2dBackward(spec);
        try (Tensor x = Tensor.allocate(2, 3, 8, 8);
             Tensor w = Tensor.allocate(4, 3, 3, 3);
             Tensor dy = Tensor.allocate(2, 4, 8, 8);
             Tensor dx = Tensor.allocate(2, 3, 8, 8);
             Tensor dw = Tensor.allocate(4, 3, 3, 3);
             Tensor wrongDy = Tensor.allocate(2, 4, 7, 8)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backward.backwardData(wrongDy, w, dx));
            assertEquals("conv2d backward data: gradOutput must have shape (2, 4, 8, 8), got (2, 4, 7, 8)",
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> backward.backwardWeights(x, dy, dw, null));
            assertTrue(e.getMessage().startsWith("conv2d backward weights: gradBias is missing"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> backward.backwardData(dy, null, dx));
            assertEquals("conv2d backward data: weight is null", e.getMessage());
        }
        Conv2dSpec square = new Conv2dSpec(Shape.of(1, 4, 6, 6), 4, Window2d.square(3, 1, 1), 1, false, PostOp.NONE);
        Conv2dBackward same = JAVA.conv2dBackward(square);
        try (Tensor t = Tensor.allocate(1, 4, 6, 6); Tensor w = Tensor.allocate(4, 4, 3, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> same.backwardData(t, w, t));
            assertEquals("conv2d backward data: gradInput must not share memory with gradOutput", e.getMessage());
        }
        JavaBackend closedBackend = new JavaBackend();
        Conv2dBackward afterClose = closedBackend.conv2dBackward(square);
        closedBackend.close();
        try (Tensor x = Tensor.allocate(1, 4, 6, 6); Tensor dy = Tensor.allocate(1, 4, 6, 6);
             Tensor dw = Tensor.allocate(4, 4, 3, 3)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> afterClose.backwardWeights(x, dy, dw, null));
            assertTrue(e.getMessage().endsWith("was used after close()"), e.getMessage());
        }
    }
}
