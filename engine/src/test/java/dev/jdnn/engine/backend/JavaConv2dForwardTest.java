package dev.jdnn.engine.backend;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.ConvCase;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JavaConv2dForwardTest {

    private static final JavaBackend JAVA = new JavaBackend();

    @AfterAll
    static void closeBackend() {
        JAVA.close();
    }

    static Stream<ConvCase> cases() {
        List<ConvCase> cases = new ArrayList<>();
        long seed = 1;
        int[][] geometry = { // kernel, stride, padding, dilation
            {1, 1, 0, 1}, {1, 2, 0, 1}, {3, 1, 1, 1}, {3, 2, 1, 1}, {5, 1, 0, 1}, {7, 2, 3, 1}, {3, 1, 3, 1},
            {3, 1, 2, 2}, {11, 4, 2, 1}};
        int[][] channels = {{3, 8}, {17, 5}, {8, 8}};
        PostOp[] postOps = PostOp.values();
        for (int[] g : geometry) {
            for (int[] c : channels) {
                for (int groups : new int[] {1, c[0]}) {
                    int outChannels = groups == 1 ? c[1] : c[0] * 2; // depthwise with multiplier 2
                    int size = g[0] == 11 ? 23 : 9;
                    PostOp postOp = postOps[(int) (seed % postOps.length)];
                    Window2d window = Window2d.square(g[0], g[1], g[2]).withDilation(g[3], g[3]);
                    cases.add(new ConvCase(new Conv2dSpec(Shape.of(seed % 2 == 0 ? 1 : 2, c[0], size, size + 2),
                            outChannels, window, groups, seed % 3 != 0, postOp), seed));
                    seed++;
                }
            }
        }
        // Output planes of 110 pixels: 19 images per GEMM, then a remainder of two (21 = 19 + 2), every post-op
        // (a sum gathers the previous output first); grouped; pointwise (its columns are the input, copied side by side).
        Window2d same3x3 = Window2d.square(3, 1, 1);
        for (PostOp postOp : postOps) {
            cases.add(new ConvCase(new Conv2dSpec(Shape.of(21, 3, 10, 11), 7, same3x3, 1, true, postOp), seed++));
        }
        cases.add(new ConvCase(new Conv2dSpec(Shape.of(21, 6, 10, 11), 4, same3x3, 2, false, PostOp.SUM), seed++));
        cases.add(new ConvCase(new Conv2dSpec(Shape.of(21, 6, 10, 11), 4, Window2d.square(1, 1, 0), 1, true,
                PostOp.SUM_RELU), seed++));
        cases.add(new ConvCase(new Conv2dSpec(Shape.of(3, 6, 7, 7), 4, Window2d.square(1, 1, 0), 1, true,
                PostOp.NONE), seed++));
        // Larger planes: one image per GEMM on the shifted columns, several images in a row; a
        // stride of 2 (four phases), grouped, every post-op.
        for (PostOp postOp : postOps) {
            cases.add(new ConvCase(new Conv2dSpec(Shape.of(2, 4, 66, 65), 6, Window2d.square(3, 2, 1), 1, true,
                    postOp), seed++));
        }
        cases.add(new ConvCase(new Conv2dSpec(Shape.of(3, 4, 32, 33), 6, Window2d.square(5, 1, 2), 2, true,
                PostOp.SUM_RELU), seed++));
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesTheReference(ConvCase convCase) {
        convCase.check(JAVA);
    }

    @Test
    void rejectsArgumentsThatDoNotFitTheSpec() {
        Conv2dSpec spec = new Conv2dSpec(Shape.of(1, 3, 8, 8), 4, Window2d.square(3, 1, 1), 1, true, PostOp.NONE);
        Conv2dForward conv = JAVA.conv2dForward(spec);
        try (Tensor x = Tensor.allocate(1, 3, 8, 8); Tensor w = Tensor.allocate(4, 3, 3, 3);
             Tensor wrongW = Tensor.allocate(4, 3, 5, 5); Tensor b = Tensor.allocate(4); Tensor y = Tensor.allocate(1, 4, 8, 8)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> conv.run(x, wrongW, b, y));
            assertTrue(e.getMessage().equals("conv2d: weight must have shape (4, 3, 3, 3), got (4, 3, 5, 5)"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> conv.run(x, w, null, y));
            assertTrue(e.getMessage().startsWith("conv2d: bias is missing"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Conv2dSpec(Shape.of(3, 224, 224), 4, Window2d.square(3, 1, 1), 1, false, PostOp.NONE));
        assertTrue(e.getMessage().equals("conv2d: input must be (N, C, H, W), got (3, 224, 224)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Conv2dSpec(Shape.of(1, 6, 8, 8), 4, Window2d.square(3, 1, 1), 4, false, PostOp.NONE));
        assertTrue(e.getMessage().startsWith("conv2d: groups (4) must divide"), e.getMessage());
    }
}
