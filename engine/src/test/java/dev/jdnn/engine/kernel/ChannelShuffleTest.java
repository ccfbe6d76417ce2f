package dev.jdnn.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.Tolerance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The channel shuffle against a reference written from its definition (view, transpose, flatten), bit for bit: it only
 * moves data. Its backward pass is checked as the inverse permutation and by central differences.
 */
class ChannelShuffleTest {

    /** (channels, groups) pairs over awkward channel counts, every group count dividing. */
    private static final int[][] CHANNEL_GROUPS = {
            {1, 1}, {2, 2}, {3, 1}, {3, 3}, {7, 7}, {15, 3}, {15, 5}, {16, 2}, {16, 4}, {17, 17}, {31, 31},
            {33, 3}, {33, 11}, {127, 127}, {116, 2}};

    /** (H, W); {0, 0} stands for an (N, C) tensor. */
    private static final int[][] PLANES = {{0, 0}, {1, 1}, {1, 2}, {3, 5}, {7, 7}, {16, 16}, {17, 1}, {1, 33}};

    static Stream<Arguments> shapes() {
        List<Arguments> cases = new ArrayList<>();
        int index = 0;
        for (int[] channelGroups : CHANNEL_GROUPS) {
            for (int[] plane : PLANES) {
                int batch = index++ % 3 == 0 ? 3 : 1;
                Shape shape = plane[0] == 0 ? Shape.of(batch, channelGroups[0])
                        : Shape.of(batch, channelGroups[0], plane[0], plane[1]);
                cases.add(Arguments.of(shape, channelGroups[1]));
            }
        }
        return cases.stream();
    }

    /** The definition: x as (N, g, C/g, S), transposed to (N, C/g, g, S). */
    static float[] reference(float[] x, Shape shape, int groups) {
        int batch = shape.dim(0);
        int channelsPerGroup = shape.dim(1) / groups;
        int plane = shape.rank() == 4 ? shape.dim(2) * shape.dim(3) : 1;
        float[] y = new float[x.length];
        for (int n = 0; n < batch; n++) {
            for (int i = 0; i < groups; i++) {
                for (int j = 0; j < channelsPerGroup; j++) {
                    for (int s = 0; s < plane; s++) {
                        int from = ((n * groups + i) * channelsPerGroup + j) * plane + s;
                        int to = ((n * channelsPerGroup + j) * groups + i) * plane + s;
                        y[to] = x[from];
                    }
                }
            }
        }
        return y;
    }

    @ParameterizedTest(name = "{0} groups={1}")
    @MethodSource("shapes")
    void forwardAndBackwardMoveEveryBit(Shape shape, int groups) {
        float[] values = RandomData.uniform(shape.elementCount() * 31 + groups, (int) shape.elementCount());
        values[0] = Float.NaN; // a NaN payload and a negative zero must survive as bits
        values[values.length - 1] = -0f;
        float[] expected = reference(values, shape, groups);
        try (Tensor x = Tensor.of(values, shape.dims()); Tensor y = Tensor.allocate(shape.dims());
             Tensor back = Tensor.allocate(shape.dims())) {
            y.fill(7f);
            ChannelShuffle.forward(x, groups, y);
            Tolerance.assertBitsEqual(expected, y.toFloatArray(), "channelShuffle " + shape + " groups " + groups);
            ChannelShuffle.backward(y, groups, back);
            Tolerance.assertBitsEqual(values, back.toFloatArray(), "channelShuffle backward " + shape);
        }
    }

    @Test
    void kernelWritesOnlyThePlanesAskedFor() {
        Shape shape = Shape.of(2, 15, 3, 1);
        int groups = 5;
        float[] values = RandomData.uniform(5, (int) shape.elementCount());
        float[] expected = reference(values, shape, groups);
        ChannelShuffleKernels kernels = new ScalarChannelShuffleKernels();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocateFrom(ValueLayout.JAVA_FLOAT, values);
            MemorySegment y = arena.allocate(ValueLayout.JAVA_FLOAT, values.length);
            y.fill((byte) -1);
            // Awkward pieces: 1, 7, then the rest (planes 8 .. 29), crossing the item boundary at 15.
            kernels.shuffle(x, y, 0, 1, 15, groups, 3);
            kernels.shuffle(x, y, 1, 7, 15, groups, 3);
            float[] partial = y.toArray(ValueLayout.JAVA_FLOAT);
            for (int i = 8 * 3; i < values.length; i++) {
                assertEquals(Float.NaN, partial[i], "plane " + i / 3 + " was written");
            }
            kernels.shuffle(x, y, 8, 22, 15, groups, 3);
            Tolerance.assertBitsEqual(expected, y.toArray(ValueLayout.JAVA_FLOAT), "kernel in pieces");
        }
    }

    @Test
    void backwardAgreesWithCentralDifferences() {
        Shape shape = Shape.of(2, 6, 2, 3);
        int groups = 3;
        float[] x = RandomData.uniform(11, (int) shape.elementCount());
        double[] w = FiniteDifferences.weights(12, x.length);
        float[] gradient;
        try (Tensor dy = Tensor.of(FiniteDifferences.asFloats(w), shape.dims());
             Tensor dx = Tensor.allocate(shape.dims())) {
            ChannelShuffle.backward(dy, groups, dx);
            gradient = dx.toFloatArray();
        }
        // A permutation: no rounding forward or backward.
        FiniteDifferences.check(x, input -> shuffle(input, shape, groups), input -> new double[x.length], w,
                gradient, new double[x.length], "channelShuffle " + shape);
    }

    private static float[] shuffle(float[] values, Shape shape, int groups) {
        try (Tensor x = Tensor.of(values, shape.dims()); Tensor y = Tensor.allocate(shape.dims())) {
            ChannelShuffle.forward(x, groups, y);
            return y.toFloatArray();
        }
    }

    @Test
    void rejectsBadArguments() {
        try (Tensor x = Tensor.allocate(2, 6, 3, 3); Tensor y = Tensor.allocate(2, 6, 3, 3);
             Tensor small = Tensor.allocate(2, 6, 3, 2); Tensor vector = Tensor.allocate(6)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ChannelShuffle.forward(x, 4, y));
            assertEquals("channelShuffle: groups must be positive and divide the 6 channels, got 4", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ChannelShuffle.forward(x, 0, y));
            assertEquals("channelShuffle: groups must be positive and divide the 6 channels, got 0", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ChannelShuffle.forward(x, 2, small));
            assertEquals("channelShuffle: y must have shape (2, 6, 3, 3), got (2, 6, 3, 2)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ChannelShuffle.forward(x, 2, x));
            assertEquals("channelShuffle: y must not share memory with x", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ChannelShuffle.forward(vector, 2, vector));
            assertEquals("channelShuffle: x must be (N, C) or (N, C, H, W), got (6)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ChannelShuffle.backward(y, 5, x));
            assertEquals("channelShuffle backward: groups must be positive and divide the 6 channels, got 5",
                    e.getMessage());
        }
    }
}
