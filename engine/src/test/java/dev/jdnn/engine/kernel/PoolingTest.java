package dev.jdnn.engine.kernel;

import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.ReferencePooling;
import dev.jdnn.engine.testing.ReferencePooling.MaxPooled;
import dev.jdnn.engine.testing.ReferencePooling.Sums;
import dev.jdnn.engine.testing.Tolerance;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PoolingTest {

    /** Every implementation of the kernels; one that cannot run here is a visible skip. */
    enum Implementation {
        SCALAR, SIMD;

        PoolingKernels kernels() {
            if (this == SCALAR) {
                return new ScalarPoolingKernels();
            }
            PoolingKernels simd = Vectorization.loadSimd(PoolingKernels.class, "SimdPoolingKernels");
            Assumptions.assumeTrue(simd != null, "Vector API unavailable");
            return simd;
        }
    }

    /** One pooling problem: {@code planes = n * c} planes of {@code h x w}. */
    record Case(String name, int n, int c, int h, int w, Window2d window) {
        int planes() {
            return n * c;
        }

        int outputHeight() {
            return window.outputHeight(h);
        }

        int outputWidth() {
            return window.outputWidth(w);
        }

        int outputPlaneSize() {
            return outputHeight() * outputWidth();
        }

        long seed() {
            return 31L * name.hashCode() + 7L * h + w;
        }

        @Override
        public String toString() {
            return name + " " + h + "x" + w;
        }
    }

    private static final int[] SIZES = {1, 2, 3, 7, 15, 16, 17, 31, 33};

    /** Windows common to max and average pooling: name, window. */
    private static List<Case> windowCases(boolean max) {
        List<Object[]> windows = new ArrayList<>(List.of(
                new Object[]{"1x1/1", Window2d.square(1, 1, 0)},
                new Object[]{"2x2/2", Window2d.square(2, 2, 0)},
                new Object[]{"2x2/2 ceil", Window2d.square(2, 2, 0).withCeilMode(true)},
                new Object[]{"3x3/2 (AlexNet)", Window2d.square(3, 2, 0)},
                new Object[]{"3x3/2 ceil (GoogLeNet)", Window2d.square(3, 2, 0).withCeilMode(true)},
                new Object[]{"3x3/2 p1 (ResNet)", Window2d.square(3, 2, 1)},
                new Object[]{"3x3/2 p1 ceil", Window2d.square(3, 2, 1).withCeilMode(true)},
                new Object[]{"3x3/1 p1", Window2d.square(3, 1, 1)},
                new Object[]{"2x3/(1,2) p(1,0)", new Window2d(2, 3, 1, 2, 1, 0, 1, 1, false)},
                new Object[]{"5x5/3 p2 ceil", Window2d.square(5, 3, 2).withCeilMode(true)}));
        if (max) {
            windows.add(new Object[]{"3x3/1 p2 d2", Window2d.square(3, 1, 2).withDilation(2, 2)});
            windows.add(new Object[]{"2x2/2 p1 d3 ceil", Window2d.square(2, 2, 1).withDilation(3, 3).withCeilMode(true)});
        }
        List<int[]> shapes = new ArrayList<>();
        for (int size : SIZES) {
            shapes.add(new int[]{size, size});
            shapes.add(new int[]{size, 17});
            shapes.add(new int[]{7, size});
        }
        shapes.add(new int[]{2, 127});
        shapes.add(new int[]{3, 257});
        shapes.add(new int[]{127, 3});
        List<Case> cases = new ArrayList<>();
        for (Object[] named : windows) {
            Window2d window = (Window2d) named[1];
            for (int[] shape : shapes) {
                if (fits(shape[0], window.kernelH(), window.padH(), window.dilationH())
                        && fits(shape[1], window.kernelW(), window.padW(), window.dilationW())) {
                    cases.add(new Case((String) named[0], 2, 3, shape[0], shape[1], window));
                }
            }
        }
        // AlexNet's overlapping pools: 55 -> 27, 27 -> 13, 13 -> 6.
        for (int size : new int[]{55, 27, 13}) {
            cases.add(new Case("AlexNet 3x3/2", 1, 2, size, size, Window2d.square(3, 2, 0)));
        }
        return cases;
    }

    private static boolean fits(int size, int kernel, int pad, int dilation) {
        return size + 2 * pad - ((kernel - 1) * dilation + 1) >= 0;
    }

    static Stream<Arguments> maxCases() {
        return withImplementations(windowCases(true));
    }

    static Stream<Arguments> avgCases() {
        return withImplementations(windowCases(false));
    }

    private static Stream<Arguments> withImplementations(List<Case> cases) {
        return Stream.of(Implementation.values())
                .flatMap(implementation -> cases.stream().map(c -> Arguments.of(implementation, c)));
    }

    // ---------------------------------------------------------------- max pooling

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("maxCases")
    void maxPoolForwardMatchesReferenceBitForBit(Implementation implementation, Case c) {
        float[] x = RandomData.uniform(c.seed(), c.planes() * c.h() * c.w());
        checkMaxForward(implementation.kernels(), c, x);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("maxCases")
    void maxPoolForwardPropagatesNaN(Implementation implementation, Case c) {
        float[] x = RandomData.uniform(c.seed(), c.planes() * c.h() * c.w());
        float[] where = RandomData.uniform(c.seed() + 1, x.length, 0f, 1f);
        for (int i = 0; i < x.length; i++) {
            if (where[i] < 0.1f) {
                x[i] = Float.NaN;
            }
        }
        checkMaxForward(implementation.kernels(), c, x);
    }

    private static void checkMaxForward(PoolingKernels kernels, Case c, float[] x) {
        MaxPooled expected = ReferencePooling.maxPool2d(x, c.planes(), c.h(), c.w(), c.window());
        try (Tensor xt = Tensor.of(x, c.planes(), c.h(), c.w());
             Tensor yt = Tensor.allocate(c.planes(), c.outputHeight(), c.outputWidth());
             PoolingIndices indices = PoolingIndices.allocate(Shape.of(1, c.planes(), c.h(), c.w()),
                     Shape.of(1, c.planes(), c.outputHeight(), c.outputWidth()))) {
            // Two calls (1 plane, then the rest) so that offsets are exercised.
            long inputPlane = (long) c.h() * c.w();
            long outputPlane = c.outputPlaneSize();
            MemorySegment is = indices.segment("indices");
            kernels.maxPool2dForward(xt.segment(), 0, 1, c.h(), c.w(), c.window(), yt.segment(), 0,
                    c.outputHeight(), c.outputWidth(), is, 0);
            kernels.maxPool2dForward(xt.segment(), inputPlane, c.planes() - 1, c.h(), c.w(), c.window(),
                    yt.segment(), outputPlane, c.outputHeight(), c.outputWidth(), is, outputPlane);
            Tolerance.assertBitsEqual(expected.values(), yt.toFloatArray(), "maxPool2d " + c);
            assertArrayEquals(expected.indices(), indices.toIntArray(), "maxPool2d indices " + c);

            // Without indices, the same values.
            yt.fill(0f);
            kernels.maxPool2dForward(xt.segment(), 0, c.planes(), c.h(), c.w(), c.window(), yt.segment(), 0,
                    c.outputHeight(), c.outputWidth(), null, 0);
            Tolerance.assertBitsEqual(expected.values(), yt.toFloatArray(), "maxPool2d without indices " + c);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("maxCases")
    void maxPoolBackwardMatchesReferenceBitForBit(Implementation implementation, Case c) {
        PoolingKernels kernels = implementation.kernels();
        float[] x = RandomData.uniform(c.seed(), c.planes() * c.h() * c.w());
        float[] dy = RandomData.uniform(c.seed() + 2, c.planes() * c.outputPlaneSize());
        MaxPooled pooled = ReferencePooling.maxPool2d(x, c.planes(), c.h(), c.w(), c.window());
        int inputPlane = c.h() * c.w();
        int outputPlane = c.outputPlaneSize();
        float[] expected = ReferencePooling.maxPool2dBackward(dy, pooled.indices(), c.planes(), outputPlane, inputPlane);
        try (Tensor dyt = Tensor.of(dy, dy.length);
             Tensor dxt = Tensor.allocate(x.length);
             PoolingIndices indices = PoolingIndices.allocate(Shape.of(1, c.planes(), c.h(), c.w()),
                     Shape.of(1, c.planes(), c.outputHeight(), c.outputWidth()))) {
            MemorySegment is = indices.segment("indices");
            is.copyFrom(MemorySegment.ofArray(pooled.indices()));
            dxt.fill(123f); // the kernel must overwrite dx
            kernels.maxPool2dBackward(dyt.segment(), 0, is, 0, 1, outputPlane, dxt.segment(), 0, inputPlane);
            kernels.maxPool2dBackward(dyt.segment(), outputPlane, is, outputPlane, c.planes() - 1, outputPlane,
                    dxt.segment(), inputPlane, inputPlane);
            Tolerance.assertBitsEqual(expected, dxt.toFloatArray(), "maxPool2dBackward " + c);
        }
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void maxPoolPicksNaNFirstMaximumAndFirstTapOfMinusInfinity(Implementation implementation) {
        PoolingKernels kernels = implementation.kernels();
        float inf = Float.NEGATIVE_INFINITY;
        float nan = Float.NaN;
        // One 2x4 plane, 2x2/2 windows: [1, NaN | 3, 2] on top of [5, 0 | 2, 3] -> NaN (at 1); 3 (first of the 3s, at 2).
        // A second plane of -infinity: -infinity at each window's first tap (0 and 2), as PyTorch.
        float[] x = {1, nan, 3, 2, 5, 0, 2, 3, inf, inf, inf, inf, inf, inf, inf, inf};
        try (Tensor xt = Tensor.of(x, 1, 2, 2, 4);
             Tensor yt = Tensor.allocate(1, 2, 1, 2);
             PoolingIndices indices = PoolingIndices.allocate(xt.shape(), yt.shape())) {
            kernels.maxPool2dForward(xt.segment(), 0, 2, 2, 4, Window2d.square(2, 2, 0), yt.segment(), 0, 1, 2,
                    indices.segment("indices"), 0);
            Tolerance.assertBitsEqual(new float[]{nan, 3, inf, inf}, yt.toFloatArray(), "maxPool2d special values");
            assertArrayEquals(new int[]{1, 2, 0, 2}, indices.toIntArray());
        }
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void maxPoolWindowWithoutInputTapsGivesMinusInfinityAndPassesNoGradient(Implementation implementation) {
        PoolingKernels kernels = implementation.kernels();
        // 2x2 input, kernel 2 dilated by 3, pad 1: the taps sit at -1 and 2 on each axis, both outside the input.
        Window2d window = Window2d.square(2, 1, 1).withDilation(3, 3);
        assertEquals(1, window.outputHeight(2));
        try (Tensor xt = Tensor.of(new float[]{1, 2, 3, 4}, 1, 1, 2, 2);
             Tensor yt = Tensor.allocate(1, 1, 1, 1);
             Tensor dy = Tensor.of(new float[]{5}, 1, 1, 1, 1);
             Tensor dx = Tensor.allocate(1, 1, 2, 2);
             PoolingIndices indices = PoolingIndices.allocate(xt.shape(), yt.shape())) {
            kernels.maxPool2dForward(xt.segment(), 0, 1, 2, 2, window, yt.segment(), 0, 1, 1,
                    indices.segment("indices"), 0);
            Tolerance.assertBitsEqual(new float[]{Float.NEGATIVE_INFINITY}, yt.toFloatArray(), "empty window");
            assertArrayEquals(new int[]{-1}, indices.toIntArray());
            dx.fill(7f);
            kernels.maxPool2dBackward(dy.segment(), 0, indices.segment("indices"), 0, 1, 1, dx.segment(), 0, 4);
            Tolerance.assertBitsEqual(new float[4], dx.toFloatArray(), "gradient of an empty window");
        }
    }

    // ---------------------------------------------------------------- average pooling

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("avgCases")
    void avgPoolForwardIsWithinTheReductionBound(Implementation implementation, Case c) {
        PoolingKernels kernels = implementation.kernels();
        float[] x = RandomData.uniform(c.seed(), c.planes() * c.h() * c.w());
        long inputPlane = (long) c.h() * c.w();
        long outputPlane = c.outputPlaneSize();
        long windowSize = (long) c.window().kernelH() * c.window().kernelW();
        try (Tensor xt = Tensor.of(x, x.length);
             Tensor yt = Tensor.allocate(c.planes() * c.outputPlaneSize())) {
            for (boolean countIncludePad : new boolean[]{true, false}) {
                Sums expected = ReferencePooling.avgPool2d(x, c.planes(), c.h(), c.w(), c.window(), countIncludePad);
                yt.fill(Float.NaN);
                kernels.avgPool2dForward(xt.segment(), 0, 1, c.h(), c.w(), c.window(), countIncludePad,
                        yt.segment(), 0, c.outputHeight(), c.outputWidth());
                kernels.avgPool2dForward(xt.segment(), inputPlane, c.planes() - 1, c.h(), c.w(), c.window(),
                        countIncludePad, yt.segment(), outputPlane, c.outputHeight(), c.outputWidth());
                Tolerance.assertWithinReductionBound(expected.values(), expected.magnitudes(), yt.toFloatArray(),
                        windowSize, "avgPool2d countIncludePad=" + countIncludePad + " " + c);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("avgCases")
    void avgPoolBackwardIsWithinTheReductionBound(Implementation implementation, Case c) {
        PoolingKernels kernels = implementation.kernels();
        float[] dy = RandomData.uniform(c.seed() + 3, c.planes() * c.outputPlaneSize());
        long inputPlane = (long) c.h() * c.w();
        long outputPlane = c.outputPlaneSize();
        Window2d w = c.window();
        // The most windows that can hold one element.
        long overlap = (long) Math.ceilDiv(w.kernelH(), w.strideH()) * Math.ceilDiv(w.kernelW(), w.strideW());
        try (Tensor dyt = Tensor.of(dy, dy.length);
             Tensor dxt = Tensor.allocate(c.planes() * c.h() * c.w())) {
            for (boolean countIncludePad : new boolean[]{true, false}) {
                Sums expected = ReferencePooling.avgPool2dBackward(dy, c.planes(), c.h(), c.w(), w, countIncludePad);
                dxt.fill(Float.NaN);
                kernels.avgPool2dBackward(dyt.segment(), 0, 1, c.outputHeight(), c.outputWidth(), w, countIncludePad,
                        dxt.segment(), 0, c.h(), c.w());
                kernels.avgPool2dBackward(dyt.segment(), outputPlane, c.planes() - 1, c.outputHeight(),
                        c.outputWidth(), w, countIncludePad, dxt.segment(), inputPlane, c.h(), c.w());
                Tolerance.assertWithinReductionBound(expected.values(), expected.magnitudes(), dxt.toFloatArray(),
                        overlap, "avgPool2dBackward countIncludePad=" + countIncludePad + " " + c);
            }
        }
    }

    /** The ceil-mode divisor cases of PyTorch, by hand, on one column of 6 (3/2 pad 1) and of 7 (2/2). */
    @ParameterizedTest
    @EnumSource(Implementation.class)
    void avgPoolDivisorsInCeilModeAreThoseOfPyTorch(Implementation implementation) {
        PoolingKernels kernels = implementation.kernels();
        // Windows over rows [-1, 1], [1, 3], [3, 5], [5, 7]: the last holds row 5, a padding row 6 and row 7 beyond
        // the padding, so its divisor is 2 with padding counted (clipped to the padded input) and 1 without.
        Window2d window = new Window2d(3, 1, 2, 1, 1, 0, 1, 1, true);
        assertEquals(4, window.outputHeight(6));
        try (Tensor x = Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 1, 1, 6, 1);
             Tensor y = Tensor.allocate(1, 1, 4, 1)) {
            kernels.avgPool2dForward(x.segment(), 0, 1, 6, 1, window, true, y.segment(), 0, 4, 1);
            Tolerance.assertBitsEqual(new float[]{1, 3, 5, 3}, y.toFloatArray(), "count_include_pad=True");
            kernels.avgPool2dForward(x.segment(), 0, 1, 6, 1, window, false, y.segment(), 0, 4, 1);
            Tolerance.assertBitsEqual(new float[]{1.5f, 3, 5, 6}, y.toFloatArray(), "count_include_pad=False");
        }
        // 7 rows, 2/2 ceil: 4 windows, the last holds row 6 alone (no padding to count): divisor 1 either way.
        Window2d ceil = new Window2d(2, 1, 2, 1, 0, 0, 1, 1, true);
        assertEquals(4, ceil.outputHeight(7));
        try (Tensor x = Tensor.of(new float[]{1, 3, 5, 7, 9, 11, 13}, 1, 1, 7, 1);
             Tensor y = Tensor.allocate(1, 1, 4, 1)) {
            for (boolean countIncludePad : new boolean[]{true, false}) {
                kernels.avgPool2dForward(x.segment(), 0, 1, 7, 1, ceil, countIncludePad, y.segment(), 0, 4, 1);
                Tolerance.assertBitsEqual(new float[]{2, 6, 10, 13}, y.toFloatArray(), "7 rows 2/2 ceil");
            }
        }
    }

    /**
     * Average pooling is linear, so its gradient is its adjoint: {@code <avg(x), dy> = <x, avgBackward(dy)>}. This is
     * what central finite differences would find, exactly; checked on the reference so that the reference's backward
     * is tied to its forward definition.
     */
    @Test
    void referenceAvgPoolBackwardIsTheAdjointOfItsForward() {
        for (Case c : windowCases(false)) {
            if (c.h() > 17 || c.w() > 17) {
                continue;
            }
            float[] x = RandomData.uniform(c.seed(), c.planes() * c.h() * c.w());
            float[] dy = RandomData.uniform(c.seed() + 4, c.planes() * c.outputPlaneSize());
            for (boolean countIncludePad : new boolean[]{true, false}) {
                double[] y = ReferencePooling.avgPool2d(x, c.planes(), c.h(), c.w(), c.window(), countIncludePad)
                        .values();
                double[] dx = ReferencePooling.avgPool2dBackward(dy, c.planes(), c.h(), c.w(), c.window(),
                        countIncludePad).values();
                double forward = 0;
                double magnitude = 0;
                for (int i = 0; i < y.length; i++) {
                    forward += y[i] * dy[i];
                    magnitude += Math.abs(y[i] * dy[i]);
                }
                double backward = 0;
                for (int i = 0; i < dx.length; i++) {
                    backward += x[i] * dx[i];
                    magnitude += Math.abs(x[i] * dx[i]);
                }
                double difference = Math.abs(forward - backward);
                assertTrue(difference <= Tolerance.reductionBound(x.length + y.length, magnitude),
                        c + " countIncludePad=" + countIncludePad + ": <avg(x), dy> = " + forward
                                + " but <x, avgBackward(dy)> = " + backward);
            }
        }
    }

    // ---------------------------------------------------------------- global average pooling

    static Stream<Arguments> globalCases() {
        int[][] planes = {{1, 1}, {1, 2}, {1, 3}, {1, 7}, {3, 5}, {4, 4}, {1, 17}, {1, 31}, {3, 11}, {1, 127},
                {1, 257}, {7, 7}, {13, 13}, {15, 15}, {16, 16}, {33, 33}};
        return Stream.of(Implementation.values())
                .flatMap(implementation -> Stream.of(planes).map(hw -> Arguments.of(implementation, hw[0], hw[1])));
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("globalCases")
    void globalAvgPoolIsWithinTheReductionBound(Implementation implementation, int h, int w) {
        PoolingKernels kernels = implementation.kernels();
        int planes = 5;
        int planeSize = h * w;
        float[] x = RandomData.uniform(17L * h + w, planes * planeSize);
        float[] dy = RandomData.uniform(19L * h + w, planes);
        Sums expected = ReferencePooling.globalAvgPool2d(x, planes, planeSize);
        Sums expectedDx = ReferencePooling.globalAvgPool2dBackward(dy, planes, planeSize);
        try (Tensor xt = Tensor.of(x, x.length);
             Tensor yt = Tensor.allocate(planes);
             Tensor dyt = Tensor.of(dy, planes);
             Tensor dxt = Tensor.allocate(x.length)) {
            yt.fill(Float.NaN);
            kernels.globalAvgPool2dForward(xt.segment(), 0, 1, planeSize, yt.segment(), 0);
            kernels.globalAvgPool2dForward(xt.segment(), planeSize, planes - 1, planeSize, yt.segment(), 1);
            Tolerance.assertWithinReductionBound(expected.values(), expected.magnitudes(), yt.toFloatArray(),
                    planeSize, "globalAvgPool2d " + h + "x" + w);

            dxt.fill(Float.NaN);
            kernels.globalAvgPool2dBackward(dyt.segment(), 0, 1, planeSize, dxt.segment(), 0);
            kernels.globalAvgPool2dBackward(dyt.segment(), 1, planes - 1, planeSize, dxt.segment(), planeSize);
            Tolerance.assertWithinReductionBound(expectedDx.values(), expectedDx.magnitudes(), dxt.toFloatArray(), 1,
                    "globalAvgPool2dBackward " + h + "x" + w);
        }
    }

    // ---------------------------------------------------------------- public entry (preferred kernels, parallel)

    @Test
    void publicEntriesMatchTheReferenceOverManyPlanes() {
        int n = 2;
        int c = 16;
        int h = 33;
        int w = 31;
        int planes = n * c;
        float[] x = RandomData.uniform(41, planes * h * w);
        Window2d window = Window2d.square(3, 2, 1).withCeilMode(true);
        Shape outputShape = Pooling.maxPool2dOutputShape(Shape.of(n, c, h, w), window);
        assertEquals(Shape.of(n, c, 17, 16), outputShape);
        assertEquals(outputShape, Pooling.avgPool2dOutputShape(Shape.of(n, c, h, w), window));
        int outputPlane = 17 * 16;
        float[] dy = RandomData.uniform(43, planes * outputPlane);
        float[] dyGlobal = RandomData.uniform(47, planes);
        try (Tensor xt = Tensor.of(x, n, c, h, w);
             Tensor yt = Tensor.allocate(outputShape.dims());
             Tensor dyt = Tensor.of(dy, outputShape.dims());
             Tensor dxt = Tensor.allocate(n, c, h, w);
             Tensor pooled = Tensor.allocate(n, c, 1, 1);
             Tensor dyPooled = Tensor.of(dyGlobal, n, c);
             PoolingIndices indices = PoolingIndices.allocate(xt.shape(), outputShape)) {
            MaxPooled max = ReferencePooling.maxPool2d(x, planes, h, w, window);
            Pooling.maxPool2dForward(xt, window, yt, indices);
            Tolerance.assertBitsEqual(max.values(), yt.toFloatArray(), "Pooling.maxPool2dForward");
            assertArrayEquals(max.indices(), indices.toIntArray(), "Pooling.maxPool2dForward indices");
            Pooling.maxPool2dForward(xt, window, yt, null);
            Tolerance.assertBitsEqual(max.values(), yt.toFloatArray(), "Pooling.maxPool2dForward without indices");

            dxt.fill(1f);
            Pooling.maxPool2dBackward(dyt, indices, dxt);
            Tolerance.assertBitsEqual(
                    ReferencePooling.maxPool2dBackward(dy, max.indices(), planes, outputPlane, h * w),
                    dxt.toFloatArray(), "Pooling.maxPool2dBackward");

            for (boolean countIncludePad : new boolean[]{true, false}) {
                Sums avg = ReferencePooling.avgPool2d(x, planes, h, w, window, countIncludePad);
                Pooling.avgPool2dForward(xt, window, countIncludePad, yt);
                Tolerance.assertWithinReductionBound(avg.values(), avg.magnitudes(), yt.toFloatArray(), 9,
                        "Pooling.avgPool2dForward countIncludePad=" + countIncludePad);
                Sums avgBack = ReferencePooling.avgPool2dBackward(dy, planes, h, w, window, countIncludePad);
                Pooling.avgPool2dBackward(dyt, window, countIncludePad, dxt);
                Tolerance.assertWithinReductionBound(avgBack.values(), avgBack.magnitudes(), dxt.toFloatArray(), 4,
                        "Pooling.avgPool2dBackward countIncludePad=" + countIncludePad);
            }

            Sums global = ReferencePooling.globalAvgPool2d(x, planes, h * w);
            Pooling.globalAvgPool2dForward(xt, pooled);
            Tolerance.assertWithinReductionBound(global.values(), global.magnitudes(), pooled.toFloatArray(), h * w,
                    "Pooling.globalAvgPool2dForward (N, C, 1, 1)");
            try (Tensor pooled2 = Tensor.allocate(n, c)) {
                Pooling.globalAvgPool2dForward(xt, pooled2);
                Tolerance.assertBitsEqual(pooled.toFloatArray(), pooled2.toFloatArray(),
                        "Pooling.globalAvgPool2dForward (N, C)");
            }
            Sums globalBack = ReferencePooling.globalAvgPool2dBackward(dyGlobal, planes, h * w);
            Pooling.globalAvgPool2dBackward(dyPooled, dxt);
            Tolerance.assertWithinReductionBound(globalBack.values(), globalBack.magnitudes(), dxt.toFloatArray(), 1,
                    "Pooling.globalAvgPool2dBackward");
        }
    }

    @Test
    void outputShapesFollowPyTorch() {
        Window2d alexNet = Window2d.square(3, 2, 0);
        assertEquals(Shape.of(1, 96, 27, 27), Pooling.maxPool2dOutputShape(Shape.of(1, 96, 55, 55), alexNet));
        assertEquals(Shape.of(1, 256, 13, 13), Pooling.maxPool2dOutputShape(Shape.of(1, 256, 27, 27), alexNet));
        assertEquals(Shape.of(1, 256, 6, 6), Pooling.maxPool2dOutputShape(Shape.of(1, 256, 13, 13), alexNet));
        assertEquals(Shape.of(1, 1, 4, 4),
                Pooling.avgPool2dOutputShape(Shape.of(1, 1, 7, 7), Window2d.square(2, 2, 0).withCeilMode(true)));
        assertEquals(Shape.of(1, 1, 4, 4),
                Pooling.avgPool2dOutputShape(Shape.of(1, 1, 6, 6), Window2d.square(3, 2, 1).withCeilMode(true)));
        // The last ceil-mode window would start in the right padding: dropped (5 + 2 - 2 = 5, ceil(5/2) + 1 = 4 -> 3).
        assertEquals(Shape.of(1, 1, 3, 3),
                Pooling.maxPool2dOutputShape(Shape.of(1, 1, 5, 5), Window2d.square(2, 2, 1).withCeilMode(true)));
    }

    // ---------------------------------------------------------------- bad inputs

    @Test
    void rejectsInputsOfTheWrongRank() {
        try (Tensor x = Tensor.allocate(3, 8, 8); Tensor y = Tensor.allocate(3, 4, 4)) {
            assertMessage(IllegalArgumentException.class, "maxPool2d: input must be (N, C, H, W), got (3, 8, 8)",
                    () -> Pooling.maxPool2dForward(x, Window2d.square(2, 2, 0), y, null));
            assertMessage(IllegalArgumentException.class, "avgPool2d: input must be (N, C, H, W), got (3, 8, 8)",
                    () -> Pooling.avgPool2dForward(x, Window2d.square(2, 2, 0), true, y));
            assertMessage(IllegalArgumentException.class, "globalAvgPool2d: input must be (N, C, H, W), got (3, 8, 8)",
                    () -> Pooling.globalAvgPool2dForward(x, y));
            assertMessage(IllegalArgumentException.class, "avgPool2dBackward: dx must be (N, C, H, W), got (3, 8, 8)",
                    () -> Pooling.avgPool2dBackward(y, Window2d.square(2, 2, 0), true, x));
        }
    }

    @Test
    void rejectsOutputsOfTheWrongShapeWithExpectedAndGot() {
        Window2d window = Window2d.square(3, 2, 0);
        try (Tensor x = Tensor.allocate(1, 2, 7, 7);
             Tensor y = Tensor.allocate(1, 2, 4, 4);
             Tensor good = Tensor.allocate(1, 2, 3, 3);
             Tensor pooled = Tensor.allocate(1, 3)) {
            assertMessage(IllegalArgumentException.class,
                    "maxPool2d: output must have shape (1, 2, 3, 3), got (1, 2, 4, 4)",
                    () -> Pooling.maxPool2dForward(x, window, y, null));
            assertMessage(IllegalArgumentException.class,
                    "avgPool2d: output must have shape (1, 2, 3, 3), got (1, 2, 4, 4)",
                    () -> Pooling.avgPool2dForward(x, window, false, y));
            assertMessage(IllegalArgumentException.class,
                    "avgPool2dBackward: dy must have shape (1, 2, 3, 3), got (1, 2, 4, 4)",
                    () -> Pooling.avgPool2dBackward(y, window, false, x));
            assertMessage(IllegalArgumentException.class,
                    "globalAvgPool2d: output must have shape (1, 2, 1, 1) or (1, 2), got (1, 3)",
                    () -> Pooling.globalAvgPool2dForward(x, pooled));
            assertMessage(IllegalArgumentException.class,
                    "globalAvgPool2dBackward: dy must have shape (1, 2, 1, 1) or (1, 2), got (1, 3)",
                    () -> Pooling.globalAvgPool2dBackward(pooled, x));
            try (PoolingIndices wrong = PoolingIndices.allocate(x.shape(), Shape.of(1, 2, 4, 4))) {
                assertMessage(IllegalArgumentException.class,
                        "maxPool2d: indices must have shape (1, 2, 3, 3), got (1, 2, 4, 4)",
                        () -> Pooling.maxPool2dForward(x, window, good, wrong));
            }
            try (PoolingIndices indices = PoolingIndices.allocate(x.shape(), good.shape())) {
                assertMessage(IllegalArgumentException.class,
                        "maxPool2dBackward: dy must have shape (1, 2, 3, 3), got (1, 2, 4, 4)",
                        () -> Pooling.maxPool2dBackward(y, indices, x));
                assertMessage(IllegalArgumentException.class,
                        "maxPool2dBackward: dx must have shape (1, 2, 7, 7), got (1, 2, 4, 4)",
                        () -> Pooling.maxPool2dBackward(good, indices, y));
            }
            assertMessage(IllegalArgumentException.class, "maxPool2d: output must not share memory with the input",
                    () -> Pooling.maxPool2dForward(x, Window2d.square(1, 1, 0), x, null));
        }
    }

    @Test
    void rejectsPaddingOfMoreThanHalfTheEffectiveKernel() {
        try (Tensor x = Tensor.allocate(1, 1, 8, 8); Tensor y = Tensor.allocate(1, 1, 8, 8)) {
            assertMessage(IllegalArgumentException.class,
                    "maxPool2d: pad should be at most half of effective kernel size, but got pad=2, kernel_size=3"
                            + " and dilation=1 (height)",
                    () -> Pooling.maxPool2dForward(x, Window2d.square(3, 1, 2), y, null));
            assertMessage(IllegalArgumentException.class,
                    "avgPool2d: pad should be at most half of effective kernel size, but got pad=2, kernel_size=2"
                            + " and dilation=1 (height)",
                    () -> Pooling.avgPool2dForward(x, Window2d.square(2, 1, 2), true, y));
            // With dilation the effective kernel is larger: kernel 3, dilation 2 spans 5, so pad 2 is allowed.
            assertEquals(Shape.of(1, 1, 8, 8),
                    Pooling.maxPool2dOutputShape(x.shape(), Window2d.square(3, 1, 2).withDilation(2, 2)));
            assertMessage(IllegalArgumentException.class, "avgPool2d: dilation must be (1, 1)",
                    () -> Pooling.avgPool2dForward(x, Window2d.square(3, 1, 1).withDilation(2, 2), true, y));
            assertMessage(IllegalArgumentException.class, "maxPool2d: input (1, 1, 8, 8): window: the height",
                    () -> Pooling.maxPool2dForward(x, Window2d.square(9, 1, 0), y, null));
        }
    }

    @Test
    void rejectsClosedTensorsAndIndices() {
        Window2d window = Window2d.square(2, 2, 0);
        Tensor closed = Tensor.allocate(1, 1, 4, 4);
        closed.close();
        PoolingIndices closedIndices = PoolingIndices.allocate(Shape.of(1, 1, 4, 4), Shape.of(1, 1, 2, 2));
        closedIndices.close();
        closedIndices.close(); // harmless
        try (Tensor x = Tensor.allocate(1, 1, 4, 4); Tensor y = Tensor.allocate(1, 1, 2, 2)) {
            assertMessage(IllegalStateException.class, "maxPool2d: input is a closed tensor",
                    () -> Pooling.maxPool2dForward(closed, window, y, null));
            assertMessage(IllegalStateException.class, "avgPool2d: input is a closed tensor",
                    () -> Pooling.avgPool2dForward(closed, window, true, y));
            assertMessage(IllegalStateException.class, "globalAvgPool2dBackward: dx is a closed tensor",
                    () -> Pooling.globalAvgPool2dBackward(y.reshape(1, 4), closed));
            assertMessage(IllegalStateException.class, "maxPool2d: indices are closed pooling indices",
                    () -> Pooling.maxPool2dForward(x, window, y, closedIndices));
            assertMessage(IllegalStateException.class, "maxPool2dBackward: indices are closed pooling indices",
                    () -> Pooling.maxPool2dBackward(y, closedIndices, x));
            assertMessage(IllegalStateException.class, "maxPool2dBackward: dx is a closed tensor",
                    () -> Pooling.maxPool2dBackward(y, closedIndices, closed));
        }
    }

    private static void assertMessage(Class<? extends Throwable> type, String expectedStart, Executable call) {
        Throwable thrown = assertThrows(type, call);
        assertTrue(thrown.getMessage().startsWith(expectedStart),
                "expected a message starting with\n  " + expectedStart + "\ngot\n  " + thrown.getMessage());
    }
}
