package dev.jdnn.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The broadcast multiply of squeeze-and-excitation against a double reference written from the formula, for every
 * implementation, over awkward plane sizes and kernel calls cut at awkward planes.
 *
 * <p>Tolerances: {@code y} and {@code dx} are one product of two floats, which double holds exactly, so rounding the
 * reference to f32 must give the same bits. {@code ds} is a sum of {@code H·W} products, within the f32 reduction bound
 * γ(H·W + 2)·Σ|dy·x| for any order of the fused multiply-adds.
 */
class ChannelScaleTest {

    static ChannelScaleKernels kernels(String implementation) {
        if (implementation.equals("scalar")) {
            return new ScalarChannelScaleKernels();
        }
        ChannelScaleKernels simd = Vectorization.loadSimd(ChannelScaleKernels.class, "SimdChannelScaleKernels");
        Assumptions.assumeTrue(simd != null, "Vector API unavailable");
        return simd;
    }

    static Stream<Arguments> cases() {
        int[] sizes = {1, 2, 3, 7, 15, 16, 17, 31, 33, 127, 257};
        int[] channels = {1, 3, 7, 16, 17};
        List<Arguments> cases = new ArrayList<>();
        for (String implementation : List.of("scalar", "simd")) {
            int index = 0;
            for (int height : sizes) {
                int width = new int[] {1, 3, 2}[index % 3];
                cases.add(Arguments.of(implementation, index % 2 == 0 ? 1 : 3, channels[index % 5], height, width));
                index++;
            }
            cases.add(Arguments.of(implementation, 2, 5, 56, 56)); // an EfficientNet plane
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} N={1} C={2} H={3} W={4}")
    @MethodSource("cases")
    void kernelsMatchTheFormula(String implementation, int batch, int channels, int height, int width) {
        ChannelScaleKernels kernels = kernels(implementation);
        int planes = batch * channels;
        int planeSize = height * width;
        int count = planes * planeSize;
        long seed = 1000L * planes + planeSize;
        float[] x = RandomData.uniform(seed, count);
        float[] s = RandomData.uniform(seed + 1, planes, 0f, 2f);
        float[] dy = RandomData.uniform(seed + 2, count);
        float[] expectedY = new float[count];
        float[] expectedDx = new float[count];
        double[] expectedDs = new double[planes];
        double[] dsMagnitude = new double[planes];
        for (int p = 0; p < planes; p++) {
            for (int i = p * planeSize; i < (p + 1) * planeSize; i++) {
                expectedY[i] = (float) ((double) x[i] * s[p]);
                expectedDx[i] = (float) ((double) dy[i] * s[p]);
                expectedDs[p] += (double) dy[i] * x[i];
                dsMagnitude[p] += Math.abs((double) dy[i] * x[i]);
            }
        }
        String what = implementation + " " + planes + " planes of " + height + "x" + width;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, x);
            MemorySegment ss = arena.allocateFrom(ValueLayout.JAVA_FLOAT, s);
            MemorySegment dys = arena.allocateFrom(ValueLayout.JAVA_FLOAT, dy);
            MemorySegment ys = arena.allocate(ValueLayout.JAVA_FLOAT, count);
            MemorySegment dxs = arena.allocate(ValueLayout.JAVA_FLOAT, count);
            MemorySegment dss = arena.allocate(ValueLayout.JAVA_FLOAT, planes);
            int first = Math.min(1, planes - 1);
            kernels.forward(xs, ss, ys, 0, first, planeSize);
            kernels.forward(xs, ss, ys, first, planes - first, planeSize);
            Tolerance.assertBitsEqual(expectedY, ys.toArray(ValueLayout.JAVA_FLOAT), what + " y");

            kernels.backward(xs, ss, dys, dxs, dss, 0, first, planeSize);
            kernels.backward(xs, ss, dys, dxs, dss, first, planes - first, planeSize);
            Tolerance.assertBitsEqual(expectedDx, dxs.toArray(ValueLayout.JAVA_FLOAT), what + " dx");
            Tolerance.assertWithinReductionBound(expectedDs, dsMagnitude, dss.toArray(ValueLayout.JAVA_FLOAT),
                    planeSize, what + " ds");

            // Each gradient alone, and dx written over dy (in place).
            dss.fill((byte) 0);
            kernels.backward(xs, null, dys, null, dss, 0, planes, planeSize);
            Tolerance.assertWithinReductionBound(expectedDs, dsMagnitude, dss.toArray(ValueLayout.JAVA_FLOAT),
                    planeSize, what + " ds alone");
            dss.fill((byte) 0);
            kernels.backward(xs, ss, dys, dys, dss, 0, planes, planeSize);
            Tolerance.assertBitsEqual(expectedDx, dys.toArray(ValueLayout.JAVA_FLOAT), what + " dx in place");
            Tolerance.assertWithinReductionBound(expectedDs, dsMagnitude, dss.toArray(ValueLayout.JAVA_FLOAT),
                    planeSize, what + " ds beside dx in place");
            kernels.backward(null, ss, dys, dxs, null, 0, planes, planeSize); // dx alone, no x needed
        }
    }

    @ParameterizedTest(name = "{0} N={1} C={2} H={3} W={4}")
    @MethodSource("cases")
    void channelsLastKernelsMatchTheFormula(String implementation, int batch, int channels, int height, int width) {
        ChannelScaleKernels kernels = kernels(implementation);
        int rowsPerImage = height * width;
        int rows = batch * rowsPerImage;
        int count = rows * channels;
        float[] x = RandomData.uniform(7L * count + channels, count);
        float[] s = RandomData.uniform(channels, batch * channels, 0f, 2f);
        float[] expected = new float[count];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < channels; c++) {
                expected[r * channels + c] = x[r * channels + c] * s[(r / rowsPerImage) * channels + c];
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, x);
            MemorySegment ss = arena.allocateFrom(ValueLayout.JAVA_FLOAT, s);
            MemorySegment ys = arena.allocate(ValueLayout.JAVA_FLOAT, count);
            int first = Math.min(rows - 1, rowsPerImage / 2 + 1); // the split falls inside an image
            kernels.forwardChannelsLast(xs, ss, ys, 0, first, channels, rowsPerImage);
            kernels.forwardChannelsLast(xs, ss, ys, first, rows - first, channels, rowsPerImage);
            Tolerance.assertBitsEqual(expected, ys.toArray(ValueLayout.JAVA_FLOAT),
                    implementation + " channels-last " + rows + " rows of " + channels);
            kernels.forwardChannelsLast(xs, ss, xs, 0, rows, channels, rowsPerImage); // in place
            Tolerance.assertBitsEqual(expected, xs.toArray(ValueLayout.JAVA_FLOAT), implementation + " in place");
        }
    }

    @Test
    void channelsLastTensorEntryEqualsTheNchwOneTransposed() {
        int n = 2;
        int c = 19;
        int h = 5;
        int w = 3;
        float[] nchw = RandomData.uniform(3, n * c * h * w);
        float[] nhwc = new float[nchw.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < h * w; p++) {
                    nhwc[(b * h * w + p) * c + ch] = nchw[(b * c + ch) * h * w + p];
                }
            }
        }
        try (Tensor x = Tensor.of(nchw, n, c, h, w); Tensor xl = Tensor.of(nhwc, n, h, w, c);
             Tensor s = Tensor.of(RandomData.uniform(4, n * c, 0f, 2f), n, c, 1, 1);
             Tensor y = Tensor.allocate(n, c, h, w); Tensor yl = Tensor.allocate(n, h, w, c)) {
            ChannelScale.forward(x, s, y);
            ChannelScale.forwardChannelsLast(xl, s, yl);
            float[] expected = y.toFloatArray();
            float[] actual = yl.toFloatArray();
            for (int b = 0; b < n; b++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int p = 0; p < h * w; p++) {
                        assertEquals(expected[(b * c + ch) * h * w + p], actual[(b * h * w + p) * c + ch], 0f);
                    }
                }
            }
            IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                    () -> ChannelScale.forwardChannelsLast(xl, x, yl));
            assertTrue(wrong.getMessage().contains("s must hold (N, C) = (2, 19) values"), wrong.getMessage());
        }
    }

    @Test
    void tensorEntriesTakeScalesAsImagesOrVectorsAndRunInPlace() {
        Shape shape = Shape.of(3, 17, 5, 7);
        float[] x = RandomData.uniform(1, (int) shape.elementCount());
        float[] s = RandomData.uniform(2, 3 * 17);
        float[] expected = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            expected[i] = x[i] * s[i / 35];
        }
        try (Tensor xt = Tensor.of(x, shape.dims()); Tensor st = Tensor.of(s, 3, 17, 1, 1);
             Tensor flat = Tensor.of(s, 3, 17); Tensor y = Tensor.allocate(shape.dims());
             Tensor ds = Tensor.allocate(3, 17, 1, 1)) {
            ChannelScale.forward(xt, st, y);
            Tolerance.assertBitsEqual(expected, y.toFloatArray(), "channelScale, s (N, C, 1, 1)");
            y.fill(0f);
            ChannelScale.forward(xt, flat, y);
            Tolerance.assertBitsEqual(expected, y.toFloatArray(), "channelScale, s (N, C)");
            ChannelScale.backward(xt, st, y, null, ds); // ds = Σ (x s) x
            float[] sums = ds.toFloatArray();
            for (int p = 0; p < s.length; p++) {
                double sum = 0;
                double magnitude = 0;
                for (int i = p * 35; i < (p + 1) * 35; i++) {
                    sum += (double) expected[i] * x[i];
                    magnitude += Math.abs((double) expected[i] * x[i]);
                }
                assertEquals(sum, sums[p], Tolerance.reductionBound(35, magnitude), "ds[" + p + "]");
            }
            ChannelScale.forward(xt, st, xt);
            Tolerance.assertBitsEqual(expected, xt.toFloatArray(), "channelScale in place");
        }
    }

    @Test
    void backwardAgreesWithCentralDifferences() {
        Shape shape = Shape.of(2, 3, 2, 3);
        int planeSize = 6;
        float[] x = RandomData.uniform(21, (int) shape.elementCount());
        float[] s = RandomData.uniform(22, 6, -2f, 2f);
        double[] w = FiniteDifferences.weights(23, x.length);
        float[] dx;
        float[] ds;
        try (Tensor xt = Tensor.of(x, shape.dims()); Tensor st = Tensor.of(s, 2, 3);
             Tensor dy = Tensor.of(FiniteDifferences.asFloats(w), shape.dims());
             Tensor dxt = Tensor.allocate(shape.dims()); Tensor dst = Tensor.allocate(2, 3)) {
            ChannelScale.backward(xt, st, dy, dxt, dst);
            dx = dxt.toFloatArray();
            ds = dst.toFloatArray();
        }
        // dx: one rounding; ds: a sum of H·W products. Forward: one rounding per output.
        double[] dxBound = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            dxBound[i] = Tolerance.reductionBound(1, Math.abs(w[i] * s[i / planeSize]));
        }
        double[] dsBound = new double[s.length];
        for (int p = 0; p < s.length; p++) {
            double magnitude = 0;
            for (int i = p * planeSize; i < (p + 1) * planeSize; i++) {
                magnitude += Math.abs(w[i] * x[i]);
            }
            dsBound[p] = Tolerance.reductionBound(planeSize, magnitude);
        }
        FiniteDifferences.check(x, input -> scale(input, s, shape), input -> productBound(input, s, planeSize), w,
                dx, dxBound, "channelScale dx");
        FiniteDifferences.check(s, input -> scale(x, input, shape), input -> productBound(x, input, planeSize), w,
                ds, dsBound, "channelScale ds");
    }

    private static float[] scale(float[] x, float[] s, Shape shape) {
        try (Tensor xt = Tensor.of(x, shape.dims()); Tensor st = Tensor.of(s, shape.dim(0), shape.dim(1));
             Tensor y = Tensor.allocate(shape.dims())) {
            ChannelScale.forward(xt, st, y);
            return y.toFloatArray();
        }
    }

    private static double[] productBound(float[] x, float[] s, int planeSize) {
        double[] bound = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            bound[i] = Tolerance.reductionBound(1, Math.abs((double) x[i] * s[i / planeSize]));
        }
        return bound;
    }

    @Test
    void rejectsBadArguments() {
        try (Tensor x = Tensor.allocate(2, 3, 4, 4); Tensor s = Tensor.allocate(2, 3);
             Tensor y = Tensor.allocate(2, 3, 4, 4);
             Tensor wrongScale = Tensor.allocate(2, 3, 2, 1); Tensor ds = Tensor.allocate(2, 3, 1, 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ChannelScale.forward(x, wrongScale, y));
            assertEquals("channelScale: s must have shape (2, 3) or (2, 3, 1, 1), got (2, 3, 2, 1)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ChannelScale.forward(x, s, s));
            assertEquals("channelScale: y must have shape (2, 3, 4, 4), got (2, 3)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ChannelScale.backward(x, s, y, null, ds));
            assertEquals("channelScale backward: ds must have shape (2, 3), got (2, 3, 1, 1)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ChannelScale.backward(x, s, y, null, s));
            assertEquals("channelScale backward: ds must not share memory with s", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ChannelScale.backward(x, null, y, y, null));
            assertEquals("channelScale backward: s must not be null", e.getMessage());
        }
    }
}
