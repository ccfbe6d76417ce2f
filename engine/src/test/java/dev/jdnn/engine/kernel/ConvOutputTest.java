package dev.jdnn.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

/** The convolution epilogue, scalar and Vector API, against the formula written out per element. */
class ConvOutputTest {

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (int[] size : new int[][] {{1, 1, 1}, {3, 2, 5}, {2, 7, 16}, {5, 3, 17}, {4, 14, 14}, {2, 4, 47}}) {
            for (int variant = 0; variant < 8; variant++) {
                cases.add(Arguments.of(size[0], size[1], size[2], (variant & 1) != 0, (variant & 2) != 0,
                        (variant & 4) != 0));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}x{1}x{2} bias={3} accumulate={4} relu={5}")
    @MethodSource("cases")
    void bothKernelsFollowTheFormula(int channels, int outH, int outW, boolean withBias, boolean accumulate,
                                     boolean relu) {
        int rowStride = outW + 3;
        int channelStride = (outH - 1) * rowStride + outW + 2;
        float[] c = RandomData.uniform(channels * 7L + outW, channels * channelStride + 4);
        // Values the epilogue must treat exactly: NaN, -0, a value that cancels the bias, infinities.
        c[4] = Float.NaN;
        c[0] = -0f;
        if (c.length > 9) {
            c[8] = Float.NEGATIVE_INFINITY;
            c[9] = Float.POSITIVE_INFINITY;
        }
        float[] bias = RandomData.uniform(channels, channels + 1);
        float[] old = RandomData.uniform(outH * 5L + channels, channels * outH * outW);
        float[] expected = old.clone();
        for (int ch = 0; ch < channels; ch++) {
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++) {
                    int target = (ch * outH + oh) * outW + ow;
                    float v = c[1 + ch * channelStride + oh * rowStride + ow];
                    if (accumulate) {
                        v = v + old[target];
                    }
                    if (withBias) {
                        v = v + bias[1 + ch];
                    }
                    if (relu && v <= 0f) {
                        v = 0f;
                    }
                    expected[target] = v;
                }
            }
        }
        ConvOutputKernels simd = Vectorization.loadSimd(ConvOutputKernels.class, "SimdConvOutputKernels");
        for (ConvOutputKernels kernels : simd == null ? List.of(ConvOutput.scalarKernels())
                : List.of(ConvOutput.scalarKernels(), simd)) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment cs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, c);
                MemorySegment bs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, bias);
                MemorySegment ys = arena.allocateFrom(ValueLayout.JAVA_FLOAT, old);
                kernels.store(cs, 1, channelStride, rowStride, withBias ? bs : null, 1, accumulate, relu, ys, 0,
                        channels, outH, outW);
                Tolerance.assertBitsEqual(expected, ys.toArray(ValueLayout.JAVA_FLOAT),
                        kernels.getClass().getSimpleName());
            }
        }
        try (Arena arena = Arena.ofShared()) {
            MemorySegment cs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, c);
            MemorySegment bs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, bias);
            MemorySegment ys = arena.allocateFrom(ValueLayout.JAVA_FLOAT, old);
            ConvOutput.store(cs, 1, channelStride, rowStride, withBias ? bs : null, 1, accumulate, relu, ys, 0,
                    channels, outH, outW);
            Tolerance.assertBitsEqual(expected, ys.toArray(ValueLayout.JAVA_FLOAT), "ConvOutput.store");
        }
    }

    @Test
    void refusesOperandsThatDoNotFit() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment c = arena.allocate(ValueLayout.JAVA_FLOAT, 20);
            MemorySegment y = arena.allocate(ValueLayout.JAVA_FLOAT, 12);
            IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
                    () -> ConvOutput.store(c, 0, 10, 3, null, 0, false, false, y, 0, 2, 2, 4));
            assertEquals("conv2d output: 2 channels of 2 × 4 do not fit rows 3 and channels 10 apart",
                    rows.getMessage());
            IllegalArgumentException shortC = assertThrows(IllegalArgumentException.class,
                    () -> ConvOutput.store(c, 0, 12, 5, null, 0, false, false, y, 0, 2, 2, 4));
            assertEquals("conv2d output: c needs 21 floats but its memory holds 20", shortC.getMessage());
            IllegalArgumentException shortY = assertThrows(IllegalArgumentException.class,
                    () -> ConvOutput.store(c, 0, 10, 5, null, 0, false, false, y, 0, 2, 2, 4));
            assertEquals("conv2d output: y needs 16 floats but its memory holds 12", shortY.getMessage());
        }
    }
}
