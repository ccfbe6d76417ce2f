package dev.jdnn.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Reading {@link ShiftedColumns}' rows at the output positions gives {@link Im2col}'s column matrix exactly. */
class ShiftedColumnsTest {

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        int[][] images = {{1, 1, 1}, {3, 7, 9}, {4, 16, 15}, {2, 17, 17}, {6, 33, 8}};
        for (int[] image : images) {
            for (int kernel : new int[] {1, 2, 3, 5, 7}) {
                for (int stride : new int[] {1, 2, 3}) {
                    for (int pad : new int[] {0, 1, 3}) {
                        for (int dilation : new int[] {1, 2}) {
                            Window2d window = Window2d.square(kernel, stride, pad).withDilation(dilation, dilation);
                            int span = dilation * (kernel - 1) + 1;
                            if (image[1] + 2 * pad < span || image[2] + 2 * pad < span) {
                                continue;
                            }
                            for (int groups : new int[] {1, 2}) {
                                if (image[0] % groups == 0) {
                                    cases.add(Arguments.of(image[0], image[1], image[2], window, groups));
                                }
                            }
                        }
                    }
                }
            }
        }
        // Unequal strides, paddings and dilations per axis.
        cases.add(Arguments.of(3, 12, 10, new Window2d(3, 5, 2, 1, 1, 2, 1, 2, false), 1));
        cases.add(Arguments.of(2, 9, 14, new Window2d(2, 3, 1, 3, 0, 1, 3, 1, false), 2));
        return cases.stream();
    }

    @ParameterizedTest(name = "C={0} H={1} W={2} {3} groups={4}")
    @MethodSource("cases")
    void rowsAtOutputPositionsAreTheColumnMatrix(int channels, int height, int width, Window2d window, int groups) {
        int batch = 2;
        Shape inputShape = Shape.of(batch, channels, height, width);
        ShiftedColumns shifted = new ShiftedColumns(inputShape, groups, window);
        int outH = window.outputHeight(height);
        int outW = window.outputWidth(width);
        assertEquals((outH - 1) * shifted.phaseWidth() + outW, shifted.width());
        Shape columnsShape = Im2col.columnsShape(inputShape, groups, window);
        try (Tensor input = Tensor.of(RandomData.uniform(channels * 31L + height, (int) inputShape.elementCount()),
                inputShape.dims());
             Tensor columns = Tensor.allocate(columnsShape, DType.F32);
             Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(shifted.bufferElements() * Float.BYTES + 64);
            buffer.fill((byte) 0x7f); // any value the fill must overwrite
            for (int n = 0; n < batch; n++) {
                shifted.fill(input, n, buffer);
                for (int g = 0; g < groups; g++) {
                    Im2col.im2col(input, n, g, groups, window, columns);
                    float[] matrix = columns.toFloatArray();
                    long[] offsets = shifted.rowByteOffsets(g);
                    assertEquals(columnsShape.dim(0), offsets.length);
                    for (int r = 0; r < offsets.length; r++) {
                        long rowEnd = offsets[r] / Float.BYTES + shifted.width();
                        assertTrue(rowEnd <= shifted.bufferElements(),
                                "row " + r + " ends at " + rowEnd + " past the buffer's " + shifted.bufferElements());
                        for (int oh = 0; oh < outH; oh++) {
                            for (int ow = 0; ow < outW; ow++) {
                                float expected = matrix[r * columnsShape.dim(1) + oh * outW + ow];
                                float actual = buffer.get(ValueLayout.JAVA_FLOAT,
                                        offsets[r] + ((long) oh * shifted.phaseWidth() + ow) * Float.BYTES);
                                if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(actual)) {
                                    throw new AssertionError("image " + n + " group " + g + " row " + r + " output ("
                                            + oh + ", " + ow + "): expected " + expected + ", got " + actual);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void refusesWhatDoesNotFit() {
        Window2d window = Window2d.square(3, 1, 1);
        assertMessage(() -> new ShiftedColumns(Shape.of(1, 6, 8, 8), 4, window),
                "conv2d: groups (4) must be positive and divide the input's 6 channels");
        assertMessage(() -> new ShiftedColumns(Shape.of(1, 6, 8, 8), 1, window.withCeilMode(true)),
                "conv2d: a convolution window has no ceil mode");
        ShiftedColumns shifted = new ShiftedColumns(Shape.of(1, 2, 4, 4), 1, window);
        try (Tensor input = Tensor.allocate(1, 2, 4, 4); Tensor other = Tensor.allocate(1, 2, 4, 5);
             Arena arena = Arena.ofConfined()) {
            MemorySegment small = arena.allocate(8);
            assertMessage(() -> shifted.fill(input, 0, small),
                    "conv2d: the shifted-columns buffer holds 2 floats, needs 72");
            assertMessage(() -> shifted.fill(other, 0, arena.allocate(400)),
                    "conv2d: input must be (1, 2, 4, 4), got (1, 2, 4, 5)");
            assertThrows(IndexOutOfBoundsException.class, () -> shifted.fill(input, 1, arena.allocate(400)));
            assertThrows(IndexOutOfBoundsException.class, () -> shifted.rowByteOffsets(1));
        }
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String expected) {
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, thrown.getMessage());
    }

    @Test
    void strideOneBufferIsThePaddedImage() {
        ShiftedColumns shifted = new ShiftedColumns(Shape.of(1, 1, 2, 3), 1, Window2d.square(3, 1, 1));
        assertEquals(4, shifted.phaseHeight());
        assertEquals(5, shifted.phaseWidth());
        try (Tensor input = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 1, 1, 2, 3); Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(shifted.bufferElements() * Float.BYTES);
            shifted.fill(input, 0, buffer);
            float[] expected = {
                0, 0, 0, 0, 0,
                0, 1, 2, 3, 0,
                0, 4, 5, 6, 0,
                0, 0, 0, 0, 0};
            assertEquals(Arrays.toString(expected), Arrays.toString(buffer.toArray(ValueLayout.JAVA_FLOAT)));
        }
    }
}
