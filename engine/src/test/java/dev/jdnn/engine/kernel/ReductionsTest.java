package dev.jdnn.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.ReferenceConv2d;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The per-channel sum against the double reference ({@link ReferenceConv2d#backwardBias}, which is exactly this sum),
 * for the vector and the scalar kernels, over awkward plane sizes. Tolerance: the f32 reduction bound of
 * {@code N·H·W} terms, which holds for any order of summation (vector lanes, four accumulators, double across planes).
 */
class ReductionsTest {

    static final int[] SIZES = {1, 2, 3, 7, 15, 16, 17, 31, 33, 127, 257};

    static Stream<Arguments> shapes() {
        List<Arguments> cases = new ArrayList<>();
        int index = 0;
        for (int plane : SIZES) {
            int batch = index % 2 == 0 ? 1 : 5;
            int channels = new int[] {1, 3, 7, 16, 17}[index % 5];
            cases.add(Arguments.of(Shape.of(batch, channels, plane, index % 3 + 1)));
            index++;
        }
        cases.add(Arguments.of(Shape.of(5, 17))); // (N, C): a plane of one element
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void channelSumMatchesTheReferenceForEveryKernel(Shape shape) {
        Shape asImage = shape.rank() == 4 ? shape : Shape.of(shape.dim(0), shape.dim(1), 1, 1);
        float[] values = RandomData.uniform(shape.elementCount(), (int) shape.elementCount());
        ReferenceConv2d.Result expected = ReferenceConv2d.backwardBias(values, asImage);
        try (Tensor x = Tensor.of(values, shape.dims()); Tensor sums = Tensor.allocate(shape.dim(1))) {
            sums.fill(Float.NaN);
            Reductions.channelSum(x, sums);
            expected.assertMatches(sums.toFloatArray(), "channelSum " + shape);
        }
        int channels = shape.dim(1);
        long plane = asImage.elementCountFrom(2);
        for (ReductionKernels kernels : List.of(Reductions.kernels(), Reductions.scalarKernels())) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment x = arena.allocateFrom(ValueLayout.JAVA_FLOAT, values);
                MemorySegment sums = arena.allocate(ValueLayout.JAVA_FLOAT, channels + 2L);
                sums.fill((byte) -1); // NaN guards either side of the channels asked for
                int first = channels > 2 ? 1 : 0;
                int count = channels > 2 ? channels - 2 : channels;
                kernels.channelSum(x, sums, first, count, shape.dim(0), channels, plane);
                float[] got = sums.toArray(ValueLayout.JAVA_FLOAT);
                for (int c = 0; c < channels + 2; c++) {
                    if (c < first || c >= first + count) {
                        assertEquals(Float.NaN, got[c], kernels.getClass().getSimpleName() + " wrote channel " + c);
                    }
                }
                float[] part = Arrays.copyOfRange(got, first, first + count);
                ReferenceConv2d.Result partExpected = new ReferenceConv2d.Result(Shape.of(count),
                        Arrays.copyOfRange(expected.values(), first, first + count),
                        Arrays.copyOfRange(expected.magnitudes(), first, first + count),
                        expected.reductionLength());
                partExpected.assertMatches(part, kernels.getClass().getSimpleName() + " " + shape);
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        try (Tensor x = Tensor.allocate(2, 3, 4, 4); Tensor sums = Tensor.allocate(4);
             Tensor vector = Tensor.allocate(3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Reductions.channelSum(x, sums));
            assertEquals("channelSum: sums must have shape (3), got (4)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Reductions.channelSum(vector, vector));
            assertEquals("channelSum: x must be (N, C) or (N, C, H, W), got (3)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Reductions.channelSum(x, null));
            assertEquals("channelSum: sums must not be null", e.getMessage());
        }
    }
}
