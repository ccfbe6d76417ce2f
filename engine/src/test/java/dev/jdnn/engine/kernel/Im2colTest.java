package dev.jdnn.engine.kernel;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.ReferenceConv2d;
import dev.jdnn.engine.testing.Tolerance;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Im2colTest {

    private static final int[] SIZES = {1, 2, 3, 7, 15, 16, 17, 31, 33};
    private static final int[] CHANNELS = {1, 3, 16, 17};
    private static final int[] KERNELS = {1, 3, 5, 7, 11};
    /** Elements on each side of a kernel's region that it must leave alone. */
    private static final int GUARD = 5;
    /** Fills memory a kernel must overwrite (im2col) or must not touch (guards); no reference produces it. */
    private static final float SENTINEL = Float.intBitsToFloat(0x7fc0_dead);

    /** One image geometry: {@code (channels, height, width)}, the window and the number of groups. */
    record Case(int channels, int height, int width, Window2d window, int groups) {
        int groupChannels() {
            return channels / groups;
        }

        int outHeight() {
            return window.outputHeight(height);
        }

        int outWidth() {
            return window.outputWidth(width);
        }

        int rows() {
            return groupChannels() * window.kernelH() * window.kernelW();
        }

        int columns() {
            return outHeight() * outWidth();
        }

        /** The last group, so that its input offset is not 0 whenever there are several. */
        int group() {
            return groups - 1;
        }

        @Override
        public String toString() {
            return "C=" + channels + " H=" + height + " W=" + width + " k=(" + window.kernelH() + "," + window.kernelW()
                    + ") s=(" + window.strideH() + "," + window.strideW() + ") p=(" + window.padH() + ","
                    + window.padW() + ") d=(" + window.dilationH() + "," + window.dilationW() + ") groups=" + groups;
        }
    }

    /** The scalar kernels and the Vector API twin ({@code null} where the module is missing: the tests skip it). */
    static Stream<Named<Im2colKernels>> implementations() {
        return Stream.of(Named.of("scalar", new ScalarIm2colKernels()),
                Named.of("simd", Vectorization.loadSimd(Im2colKernels.class, "SimdIm2colKernels")));
    }

    private static void requireAvailable(Im2colKernels kernels) {
        Assumptions.assumeTrue(kernels != null, "Vector API unavailable");
    }

    /**
     * Every kernel, stride, padding and dilation that fits, over every awkward height, each with a square and a
     * non-square width; channel count and groups (1 or C) rotate through the cases instead of multiplying them.
     */
    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        int rotation = 0;
        for (int hi = 0; hi < SIZES.length; hi++) {
            int height = SIZES[hi];
            for (int width : new int[]{height, SIZES[(hi + 4) % SIZES.length]}) {
                for (int kernel : KERNELS) {
                    for (int stride : new int[]{1, 2}) {
                        for (int pad : new int[]{0, 1, 3}) {
                            for (int dilation : new int[]{1, 2}) {
                                int span = dilation * (kernel - 1) + 1;
                                if (span > height + 2 * pad || span > width + 2 * pad) {
                                    continue;
                                }
                                int channels = CHANNELS[rotation % CHANNELS.length];
                                int groups = (rotation / CHANNELS.length) % 2 == 0 ? 1 : channels;
                                rotation++;
                                Window2d window = Window2d.square(kernel, stride, pad).withDilation(dilation, dilation);
                                cases.add(new Case(channels, height, width, window, groups));
                            }
                        }
                    }
                }
            }
        }
        // Rectangular kernels, strides and paddings catch a swapped H and W.
        cases.add(new Case(3, 7, 15, new Window2d(3, 1, 1, 2, 1, 0, 1, 1, false), 1));
        cases.add(new Case(16, 17, 5, new Window2d(1, 5, 2, 1, 0, 3, 2, 1, false), 16));
        cases.add(new Case(17, 9, 31, new Window2d(5, 3, 2, 3, 3, 1, 1, 2, false), 17));
        return cases;
    }

    // ---------------------------------------------------------------- naive references, from the formula

    /** The column matrix of group {@code group} of a {@code (C, H, W)} image, element by element. */
    private static float[] naiveIm2col(float[] image, Case c, int group) {
        Window2d w = c.window();
        float[] columns = new float[c.rows() * c.columns()];
        for (int ch = 0; ch < c.groupChannels(); ch++) {
            for (int kh = 0; kh < w.kernelH(); kh++) {
                for (int kw = 0; kw < w.kernelW(); kw++) {
                    int row = (ch * w.kernelH() + kh) * w.kernelW() + kw;
                    for (int oh = 0; oh < c.outHeight(); oh++) {
                        for (int ow = 0; ow < c.outWidth(); ow++) {
                            int ih = oh * w.strideH() - w.padH() + kh * w.dilationH();
                            int iw = ow * w.strideW() - w.padW() + kw * w.dilationW();
                            boolean inside = ih >= 0 && ih < c.height() && iw >= 0 && iw < c.width();
                            int channel = group * c.groupChannels() + ch;
                            columns[row * c.columns() + oh * c.outWidth() + ow] =
                                    inside ? image[(channel * c.height() + ih) * c.width() + iw] : 0f;
                        }
                    }
                }
            }
        }
        return columns;
    }

    /**
     * col2im in f32, adding in the row-major order of the column matrix (the order the kernel promises), into a copy
     * of {@code image}.
     */
    private static float[] naiveCol2im(float[] columns, float[] image, Case c, int group) {
        Window2d w = c.window();
        float[] result = image.clone();
        for (int row = 0; row < c.rows(); row++) {
            int ch = row / (w.kernelH() * w.kernelW());
            int kh = row / w.kernelW() % w.kernelH();
            int kw = row % w.kernelW();
            for (int oh = 0; oh < c.outHeight(); oh++) {
                for (int ow = 0; ow < c.outWidth(); ow++) {
                    int ih = oh * w.strideH() - w.padH() + kh * w.dilationH();
                    int iw = ow * w.strideW() - w.padW() + kw * w.dilationW();
                    if (ih >= 0 && ih < c.height() && iw >= 0 && iw < c.width()) {
                        int channel = group * c.groupChannels() + ch;
                        result[(channel * c.height() + ih) * c.width() + iw] +=
                                columns[row * c.columns() + oh * c.outWidth() + ow];
                    }
                }
            }
        }
        return result;
    }

    // ---------------------------------------------------------------- segment-level kernels

    @ParameterizedTest
    @MethodSource("implementations")
    void im2colMatchesNaiveReferenceBitForBit(Im2colKernels kernels) {
        requireAvailable(kernels);
        List<Case> cases = cases();
        assertTrue(cases.size() > 500, "expected a broad set of cases, got " + cases.size());
        long seed = 1;
        for (Case c : cases) {
            float[] image = RandomData.uniform(seed++, c.channels() * c.height() * c.width());
            float[] expected = guarded(naiveIm2col(image, c, c.group()));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment input = segmentOf(arena, image);
                MemorySegment columns = segmentOf(arena, filled(expected.length, SENTINEL));
                long inputOffset = (long) c.group() * c.groupChannels() * c.height() * c.width();
                kernels.im2col(input, inputOffset, c.groupChannels(), c.height(), c.width(), c.window(),
                        c.outHeight(), c.outWidth(), columns, GUARD, (long) c.outHeight() * c.outWidth());
                Tolerance.assertBitsEqual(expected, columns.toArray(ValueLayout.JAVA_FLOAT), "im2col " + c);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void col2imMatchesNaiveReferenceBitForBit(Im2colKernels kernels) {
        requireAvailable(kernels);
        List<Case> cases = cases();
        long seed = 10_000;
        for (int i = 0; i < cases.size(); i += 2) {
            Case c = cases.get(i);
            float[] columnValues = RandomData.uniform(seed++, c.rows() * c.columns());
            // A non-zero image: col2im must add to it, not overwrite it.
            float[] image = RandomData.uniform(seed++, c.channels() * c.height() * c.width());
            float[] expected = guarded(naiveCol2im(columnValues, image, c, c.group()));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment columns = segmentOf(arena, guarded(columnValues));
                MemorySegment target = segmentOf(arena, guarded(image));
                kernels.col2im(columns, GUARD, c.groupChannels(), c.height(), c.width(), c.window(), c.outHeight(),
                        c.outWidth(), target, GUARD + (long) c.group() * c.groupChannels() * c.height() * c.width());
                Tolerance.assertBitsEqual(expected, target.toArray(ValueLayout.JAVA_FLOAT), "col2im " + c);
            }
        }
    }

    /** {@code <im2col(x), y> == <x, col2im(y)>}: col2im is the adjoint (transpose) of im2col. */
    @ParameterizedTest
    @MethodSource("implementations")
    void col2imIsTheAdjointOfIm2col(Im2colKernels kernels) {
        requireAvailable(kernels);
        List<Case> cases = cases();
        long seed = 20_000;
        for (int i = 1; i < cases.size(); i += 3) {
            Case c = cases.get(i);
            float[] x = RandomData.uniform(seed++, c.channels() * c.height() * c.width());
            float[] y = RandomData.uniform(seed++, c.rows() * c.columns());
            try (Arena arena = Arena.ofConfined()) {
                long inputOffset = (long) c.group() * c.groupChannels() * c.height() * c.width();
                MemorySegment input = segmentOf(arena, x);
                MemorySegment columns = arena.allocate(ValueLayout.JAVA_FLOAT, y.length);
                kernels.im2col(input, inputOffset, c.groupChannels(), c.height(), c.width(), c.window(),
                        c.outHeight(), c.outWidth(), columns, 0, (long) c.outHeight() * c.outWidth());
                float[] im2colX = columns.toArray(ValueLayout.JAVA_FLOAT);
                double left = 0;
                double magnitude = 0;
                for (int k = 0; k < y.length; k++) {
                    left += (double) im2colX[k] * y[k];
                    magnitude += Math.abs((double) im2colX[k] * y[k]);
                }

                MemorySegment gradient = arena.allocate(ValueLayout.JAVA_FLOAT, x.length);
                kernels.col2im(segmentOf(arena, y), 0, c.groupChannels(), c.height(), c.width(), c.window(),
                        c.outHeight(), c.outWidth(), gradient, inputOffset);
                float[] col2imY = gradient.toArray(ValueLayout.JAVA_FLOAT);
                double right = 0;
                for (int k = 0; k < x.length; k++) {
                    right += (double) x[k] * col2imY[k];
                }
                // col2im sums at most KH*KW terms per element in f32; im2col is exact.
                Tolerance.assertWithinReductionBound(new double[]{left}, new double[]{magnitude},
                        new float[]{(float) right}, (long) c.window().kernelH() * c.window().kernelW(),
                        "<im2col(x), y> vs <x, col2im(y)> for " + c);
            }
        }
    }

    // ---------------------------------------------------------------- public entry

    @Test
    void publicEntryMatchesNaiveReferenceAcrossTasksImagesAndGroups() {
        // 17 channels of 9 * 33 * 31 column elements each: several parallel tasks, the last one short.
        Case oneGroup = new Case(17, 33, 31, Window2d.square(3, 1, 1), 1);
        Case grouped = new Case(16, 17, 15, Window2d.square(5, 2, 3).withDilation(2, 1), 4);
        for (Case c : List.of(oneGroup, grouped)) {
            int batch = 2;
            float[] values = RandomData.uniform(30_000 + c.channels(), batch * c.channels() * c.height() * c.width());
            try (Tensor input = Tensor.of(values, batch, c.channels(), c.height(), c.width());
                 Tensor columns = Tensor.allocate(c.rows(), c.columns())) {
                assertEquals(columns.shape(), Im2col.columnsShape(input.shape(), c.groups(), c.window()));
                float[] image1 = Arrays.copyOfRange(values, values.length / 2, values.length);
                for (int group = 0; group < c.groups(); group++) {
                    columns.fill(SENTINEL);
                    Im2col.im2col(input, 1, group, c.groups(), c.window(), columns);
                    Tolerance.assertBitsEqual(naiveIm2col(image1, c, group), columns.toFloatArray(),
                            "Im2col.im2col n=1 group=" + group + " " + c);
                }
            }
        }
    }

    /** Several images side by side are each image's own matrix, bit for bit, in its block of columns. */
    @Test
    void imagesSideBySideAreEachImagesMatrix() {
        Case oneGroup = new Case(7, 13, 12, Window2d.square(3, 2, 1), 1);
        Case grouped = new Case(16, 17, 15, Window2d.square(5, 2, 3).withDilation(2, 1), 4);
        Case big = new Case(40, 9, 9, Window2d.square(3, 1, 1), 1); // several tasks per image
        for (Case c : List.of(oneGroup, grouped, big)) {
            int batch = 5;
            float[] values = RandomData.uniform(40_000 + c.channels(), batch * c.channels() * c.height() * c.width());
            int imageSize = c.channels() * c.height() * c.width();
            try (Tensor input = Tensor.of(values, batch, c.channels(), c.height(), c.width())) {
                for (int[] range : new int[][] {{0, 5}, {1, 3}, {4, 1}}) {
                    int first = range[0];
                    int images = range[1];
                    Shape shape = Im2col.columnsShape(input.shape(), c.groups(), c.window(), images);
                    assertEquals(Shape.of(c.rows(), images * c.columns()), shape);
                    try (Tensor columns = Tensor.allocate(shape, DType.F32)) {
                        for (int group = 0; group < c.groups(); group++) {
                            columns.fill(SENTINEL);
                            Im2col.im2colImages(input, first, images, group, c.groups(), c.window(), columns);
                            float[] all = columns.toFloatArray();
                            for (int i = 0; i < images; i++) {
                                int n = first + i;
                                float[] expected = naiveIm2col(
                                        Arrays.copyOfRange(values, n * imageSize, (n + 1) * imageSize), c, group);
                                float[] actual = new float[expected.length];
                                for (int r = 0; r < c.rows(); r++) {
                                    System.arraycopy(all, r * images * c.columns() + i * c.columns(), actual,
                                            r * c.columns(), c.columns());
                                }
                                Tolerance.assertBitsEqual(expected, actual, "image " + n + " of [" + first + ", "
                                        + (first + images) + ") group " + group + " " + c);
                            }
                        }
                    }
                }
                try (Tensor columns = Tensor.allocate(c.rows(), 2 * c.columns())) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> Im2col.im2colImages(input, 4, 2, 0, c.groups(), c.window(), columns));
                    assertEquals("im2col: images [4, 6) must be a non-empty range inside [0, 5)", e.getMessage());
                    e = assertThrows(IllegalArgumentException.class,
                            () -> Im2col.im2colImages(input, 0, 3, 0, c.groups(), c.window(), columns));
                    assertTrue(e.getMessage().startsWith("im2col: columns must be (C/groups * KH * KW, images * OH"
                            + " * OW) = "), e.getMessage());
                }
            }
        }
    }

    @Test
    void oneGroupWritesTheMatricesOfEveryGroupOneAfterAnother() {
        Case grouped = new Case(6, 9, 11, Window2d.square(3, 2, 1), 3);
        Case whole = new Case(6, 9, 11, grouped.window(), 1);
        float[] values = RandomData.uniform(31, 6 * 9 * 11);
        try (Tensor input = Tensor.of(values, 1, 6, 9, 11);
             Tensor all = Tensor.allocate(whole.rows(), whole.columns());
             Tensor one = Tensor.allocate(grouped.rows(), grouped.columns())) {
            Im2col.im2col(input, 0, 0, 1, whole.window(), all);
            float[] allValues = all.toFloatArray();
            int groupElements = grouped.rows() * grouped.columns();
            for (int group = 0; group < 3; group++) {
                Im2col.im2col(input, 0, group, 3, grouped.window(), one);
                Tolerance.assertBitsEqual(Arrays.copyOfRange(allValues, group * groupElements, (group + 1) * groupElements),
                        one.toFloatArray(), "group " + group + " of 3 vs rows of the groups=1 matrix");
            }
        }
    }

    @Test
    void publicCol2imAccumulatesIntoItsImageAndGroupOnly() {
        Case c = new Case(16, 17, 33, Window2d.square(3, 1, 1).withDilation(1, 2), 2);
        int batch = 3;
        int imageSize = c.channels() * c.height() * c.width();
        float[] initial = RandomData.uniform(40, batch * imageSize);
        float[] columnValues = RandomData.uniform(41, c.rows() * c.columns());
        try (Tensor gradInput = Tensor.of(initial, batch, c.channels(), c.height(), c.width());
             Tensor columns = Tensor.of(columnValues, c.rows(), c.columns())) {
            Im2col.col2im(columns, 1, 1, c.groups(), c.window(), gradInput);
            float[] expected = initial.clone();
            float[] image1 = naiveCol2im(columnValues, Arrays.copyOfRange(initial, imageSize, 2 * imageSize), c, 1);
            System.arraycopy(image1, 0, expected, imageSize, imageSize);
            Tolerance.assertBitsEqual(expected, gradInput.toFloatArray(), "Im2col.col2im n=1 group=1 " + c);
        }
    }

    // ---------------------------------------------------------------- convolution through im2col

    /** A convolution to run through im2col: input {@code (N, C, H, W)}, {@code OC} output channels. */
    record ConvCase(int batch, int channels, int height, int width, int outChannels, Window2d window, int groups,
                    boolean bias) {
        Shape inputShape() {
            return Shape.of(batch, channels, height, width);
        }

        Shape weightShape() {
            return Shape.of(outChannels, channels / groups, window.kernelH(), window.kernelW());
        }
    }

    static Stream<ConvCase> convCases() {
        return Stream.of(
                new ConvCase(2, 3, 7, 7, 4, Window2d.square(3, 1, 1), 1, true),
                new ConvCase(1, 4, 9, 8, 6, Window2d.square(3, 2, 1).withDilation(2, 2), 2, false),
                new ConvCase(2, 5, 6, 7, 10, Window2d.square(3, 1, 1), 5, true), // depthwise, multiplier 2
                new ConvCase(1, 16, 5, 5, 8, Window2d.square(1, 1, 0), 1, true), // 1x1
                new ConvCase(1, 2, 4, 9, 3, new Window2d(1, 3, 1, 2, 0, 1, 1, 1, false), 1, false),
                new ConvCase(1, 3, 23, 23, 2, Window2d.square(11, 4, 2), 1, true), // AlexNet's first layer, shrunk
                new ConvCase(2, 6, 15, 17, 9, Window2d.square(5, 2, 3).withDilation(2, 1), 3, true));
    }

    @ParameterizedTest
    @MethodSource("convCases")
    void convolutionThroughIm2colMatchesReferenceConv2d(ConvCase conv) {
        float[] x = RandomData.uniform(50, (int) conv.inputShape().elementCount());
        float[] w = RandomData.uniform(51, (int) conv.weightShape().elementCount());
        float[] b = conv.bias() ? RandomData.uniform(52, conv.outChannels()) : null;
        ReferenceConv2d.Result reference =
                ReferenceConv2d.forward(x, conv.inputShape(), w, conv.weightShape(), b, conv.window(), conv.groups());

        Shape columnsShape = Im2col.columnsShape(conv.inputShape(), conv.groups(), conv.window());
        int k = columnsShape.dim(0);
        int p = columnsShape.dim(1);
        int outGroupChannels = conv.outChannels() / conv.groups();
        float[] output = new float[(int) reference.shape().elementCount()];
        try (Tensor input = Tensor.of(x, conv.inputShape().dims());
             Tensor columns = Tensor.allocate(columnsShape, DType.F32)) {
            for (int n = 0; n < conv.batch(); n++) {
                for (int g = 0; g < conv.groups(); g++) {
                    Im2col.im2col(input, n, g, conv.groups(), conv.window(), columns);
                    float[] col = columns.toFloatArray();
                    for (int o = 0; o < outGroupChannels; o++) {
                        int oc = g * outGroupChannels + o;
                        for (int j = 0; j < p; j++) {
                            double sum = b == null ? 0 : b[oc];
                            for (int i = 0; i < k; i++) {
                                sum += (double) w[oc * k + i] * col[i * p + j];
                            }
                            output[(n * conv.outChannels() + oc) * p + j] = (float) sum;
                        }
                    }
                }
            }
        }
        reference.assertMatches(output, "conv2d through im2col " + conv);
    }

    @ParameterizedTest
    @MethodSource("convCases")
    void backwardPassesThroughCol2imAndIm2colMatchReferenceConv2d(ConvCase conv) {
        float[] x = RandomData.uniform(60, (int) conv.inputShape().elementCount());
        float[] w = RandomData.uniform(61, (int) conv.weightShape().elementCount());
        Shape outputShape = ReferenceConv2d.outputShape(conv.inputShape(), conv.weightShape(), conv.window(),
                conv.groups());
        float[] gradOutput = RandomData.uniform(62, (int) outputShape.elementCount());

        Shape columnsShape = Im2col.columnsShape(conv.inputShape(), conv.groups(), conv.window());
        int k = columnsShape.dim(0);
        int p = columnsShape.dim(1);
        int outGroupChannels = conv.outChannels() / conv.groups();
        float[] gradWeight = new float[w.length];
        double[] gradWeightSums = new double[w.length];
        try (Tensor input = Tensor.of(x, conv.inputShape().dims());
             Tensor gradInput = Tensor.allocate(conv.inputShape(), DType.F32);
             Tensor columns = Tensor.allocate(columnsShape, DType.F32)) {
            for (int n = 0; n < conv.batch(); n++) {
                for (int g = 0; g < conv.groups(); g++) {
                    int firstOc = g * outGroupChannels;
                    // Backward data: columns = weight[g]^T x gradOutput[n, g], then col2im.
                    float[] col = new float[k * p];
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j < p; j++) {
                            double sum = 0;
                            for (int o = 0; o < outGroupChannels; o++) {
                                sum += (double) w[(firstOc + o) * k + i] * gradOutput[(n * conv.outChannels() + firstOc + o) * p + j];
                            }
                            col[i * p + j] = (float) sum;
                        }
                    }
                    columns.copyFrom(col);
                    Im2col.col2im(columns, n, g, conv.groups(), conv.window(), gradInput);
                    // Backward weights: gradWeight[g] += gradOutput[n, g] x im2col(x)^T.
                    Im2col.im2col(input, n, g, conv.groups(), conv.window(), columns);
                    float[] xCol = columns.toFloatArray();
                    for (int o = 0; o < outGroupChannels; o++) {
                        for (int i = 0; i < k; i++) {
                            double sum = 0;
                            for (int j = 0; j < p; j++) {
                                sum += (double) gradOutput[(n * conv.outChannels() + firstOc + o) * p + j] * xCol[i * p + j];
                            }
                            gradWeightSums[(firstOc + o) * k + i] += sum;
                        }
                    }
                }
            }
            for (int i = 0; i < w.length; i++) {
                gradWeight[i] = (float) gradWeightSums[i];
            }
            ReferenceConv2d.backwardData(gradOutput, w, conv.weightShape(), conv.inputShape(), conv.window(),
                    conv.groups()).assertMatches(gradInput.toFloatArray(), "conv2d backward data through col2im " + conv);
        }
        ReferenceConv2d.backwardWeights(x, conv.inputShape(), gradOutput, conv.weightShape(), conv.window(),
                conv.groups()).assertMatches(gradWeight, "conv2d backward weights through im2col " + conv);
    }

    // ---------------------------------------------------------------- the reference itself

    @Test
    void referenceConv2dOnAHandComputedCase() {
        // x = 1..9 in a 3x3 image; the kernel [[1, 0], [0, -1]] computes x[i][j] - x[i+1][j+1] = -4; bias 0.5.
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] w = {1, 0, 0, -1};
        ReferenceConv2d.Result valid = ReferenceConv2d.forward(x, Shape.of(1, 1, 3, 3), w, Shape.of(1, 1, 2, 2),
                new float[]{0.5f}, Window2d.square(2, 1, 0), 1);
        assertEquals(Shape.of(1, 1, 2, 2), valid.shape());
        assertTrue(Arrays.equals(new double[]{-3.5, -3.5, -3.5, -3.5}, valid.values()), Arrays.toString(valid.values()));
        assertTrue(Arrays.equals(new double[]{6.5, 8.5, 12.5, 14.5}, valid.magnitudes()),
                Arrays.toString(valid.magnitudes()));
        assertEquals(5, valid.reductionLength());

        // Padding 1, stride 2: windows start at (-1, -1), (-1, 1), (1, -1), (1, 1).
        ReferenceConv2d.Result padded = ReferenceConv2d.forward(x, Shape.of(1, 1, 3, 3), w, Shape.of(1, 1, 2, 2),
                null, Window2d.square(2, 2, 1), 1);
        assertTrue(Arrays.equals(new double[]{-1, -3, -7, 5 - 9}, padded.values()), Arrays.toString(padded.values()));

        // Two groups, dilation 2 on a 1x2x3x3 input, 1x1 output: each output reads its own channel's corners.
        float[] twoChannels = new float[18];
        for (int i = 0; i < 18; i++) {
            twoChannels[i] = i + 1;
        }
        float[] cornerWeights = {1, 1, 1, 1, 1, 10, 100, 1000};
        ReferenceConv2d.Result grouped = ReferenceConv2d.forward(twoChannels, Shape.of(1, 2, 3, 3), cornerWeights,
                Shape.of(2, 1, 2, 2), null, Window2d.square(2, 1, 0).withDilation(2, 2), 2);
        assertTrue(Arrays.equals(new double[]{1 + 3 + 7 + 9, 10 + 10 * 12 + 100 * 16 + 1000 * 18}, grouped.values()),
                Arrays.toString(grouped.values()));
    }

    /** {@code <conv(x, w), gy> == <x, backwardData(gy, w)> == <w, backwardWeights(x, gy)>}, all in double. */
    @ParameterizedTest
    @MethodSource("convCases")
    void referenceBackwardPassesAreTheAdjointsOfForward(ConvCase conv) {
        float[] x = RandomData.uniform(70, (int) conv.inputShape().elementCount());
        float[] w = RandomData.uniform(71, (int) conv.weightShape().elementCount());
        ReferenceConv2d.Result y = ReferenceConv2d.forward(x, conv.inputShape(), w, conv.weightShape(), null,
                conv.window(), conv.groups());
        float[] gy = RandomData.uniform(72, y.values().length);
        double forward = 0;
        double magnitude = 0;
        for (int i = 0; i < gy.length; i++) {
            forward += y.values()[i] * gy[i];
            magnitude += y.magnitudes()[i] * Math.abs(gy[i]);
        }
        double[] gx = ReferenceConv2d.backwardData(gy, w, conv.weightShape(), conv.inputShape(), conv.window(),
                conv.groups()).values();
        double[] gw = ReferenceConv2d.backwardWeights(x, conv.inputShape(), gy, conv.weightShape(), conv.window(),
                conv.groups()).values();
        double data = 0;
        for (int i = 0; i < x.length; i++) {
            data += x[i] * gx[i];
        }
        double weights = 0;
        for (int i = 0; i < w.length; i++) {
            weights += w[i] * gw[i];
        }
        // Exact up to double rounding; the f32 cast of the result is the only visible error.
        Tolerance.assertWithinReductionBound(new double[]{forward, forward}, new double[]{magnitude, magnitude},
                new float[]{(float) data, (float) weights}, 1, "adjoint identities of ReferenceConv2d " + conv);

        double[] gb = ReferenceConv2d.backwardBias(gy, y.shape()).values();
        double gbTotal = 0;
        for (double v : gb) {
            gbTotal += v;
        }
        double gyTotal = 0;
        double gyMagnitude = 0;
        for (float v : gy) {
            gyTotal += v;
            gyMagnitude += Math.abs(v);
        }
        Tolerance.assertWithinReductionBound(new double[]{gyTotal}, new double[]{gyMagnitude},
                new float[]{(float) gbTotal}, 1, "backwardBias sums gradOutput " + conv);
    }

    // ---------------------------------------------------------------- bad inputs

    @Test
    void rejectsAnInputThatIsNotFourDimensional() {
        try (Tensor input = Tensor.allocate(3, 8, 8); Tensor columns = Tensor.allocate(27, 36)) {
            assertMessage(IllegalArgumentException.class,
                    () -> Im2col.im2col(input, 0, 0, 1, Window2d.square(3, 1, 0), columns),
                    "im2col: input must be (N, C, H, W), got (3, 8, 8)");
            assertMessage(IllegalArgumentException.class,
                    () -> Im2col.col2im(columns, 0, 0, 1, Window2d.square(3, 1, 0), input),
                    "col2im: gradInput must be (N, C, H, W), got (3, 8, 8)");
        }
    }

    @Test
    void rejectsGroupsThatDoNotDivideTheChannels() {
        try (Tensor input = Tensor.allocate(1, 6, 8, 8); Tensor columns = Tensor.allocate(9, 36)) {
            assertMessage(IllegalArgumentException.class,
                    () -> Im2col.im2col(input, 0, 0, 4, Window2d.square(3, 1, 0), columns),
                    "im2col: groups (4) must divide the channel count C = 6 of input (1, 6, 8, 8)");
            assertMessage(IllegalArgumentException.class,
                    () -> Im2col.im2col(input, 0, 0, 0, Window2d.square(3, 1, 0), columns),
                    "im2col: groups must be positive, got 0");
            assertMessage(IllegalArgumentException.class,
                    () -> Im2col.im2col(input, 0, 6, 6, Window2d.square(3, 1, 0), columns),
                    "im2col: group must be in [0, 6), got 6");
            assertMessage(IllegalArgumentException.class,
                    () -> Im2col.im2col(input, 1, 0, 6, Window2d.square(3, 1, 0), columns),
                    "im2col: image index n must be in [0, 1), got 1");
        }
    }

    @Test
    void rejectsAColumnTensorOfTheWrongShape() {
        try (Tensor input = Tensor.allocate(1, 3, 9, 9);
             Tensor wrongColumns = Tensor.allocate(27, 48);
             Tensor flatColumns = Tensor.allocate(27 * 49)) {
            Window2d window = Window2d.square(3, 1, 0);
            assertEquals(Shape.of(27, 49), Im2col.columnsShape(input.shape(), 1, window));
            assertMessage(IllegalArgumentException.class,
                    () -> Im2col.im2col(input, 0, 0, 1, window, wrongColumns),
                    "im2col: columns must be (C/groups * KH * KW, OH * OW) = (27, 49)", "got (27, 48)");
            assertMessage(IllegalArgumentException.class,
                    () -> Im2col.col2im(flatColumns, 0, 0, 1, window, input),
                    "col2im: columns must be (C/groups * KH * KW, OH * OW) = (27, 49)", "got (1323)");
        }
    }

    @Test
    void rejectsAWindowBiggerThanThePaddedInputOrInCeilMode() {
        try (Tensor input = Tensor.allocate(1, 3, 3, 8); Tensor columns = Tensor.allocate(75, 4)) {
            assertMessage(IllegalArgumentException.class,
                    () -> Im2col.im2col(input, 0, 0, 1, Window2d.square(5, 1, 0), columns),
                    "im2col: input (1, 3, 3, 8): window: the height of the input (3, padded by 0 on each side) is"
                            + " smaller than the window's span 5");
            assertMessage(IllegalArgumentException.class,
                    () -> Im2col.im2col(input, 0, 0, 1, Window2d.square(2, 1, 0).withDilation(1, 9), columns),
                    "the width of the input (8, padded by 0 on each side) is smaller than the window's span 10");
            assertMessage(IllegalArgumentException.class,
                    () -> Im2col.im2col(input, 0, 0, 1, Window2d.square(3, 2, 0).withCeilMode(true), columns),
                    "im2col: window must not use ceil mode");
        }
    }

    @Test
    void rejectsClosedTensorsWrongDTypesAndOverlap() {
        Window2d window = Window2d.square(1, 1, 0);
        try (Tensor input = Tensor.allocate(1, 1, 4, 4); Tensor columns = Tensor.allocate(1, 16);
             Tensor bf16 = Tensor.allocate(Shape.of(1, 16), DType.BF16)) {
            Tensor closedInput = Tensor.allocate(1, 1, 4, 4);
            closedInput.close();
            Tensor closedColumns = Tensor.allocate(1, 16);
            closedColumns.close();
            assertMessage(IllegalStateException.class, () -> Im2col.im2col(closedInput, 0, 0, 1, window, columns),
                    "im2col: input is a closed tensor");
            assertMessage(IllegalStateException.class, () -> Im2col.im2col(input, 0, 0, 1, window, closedColumns),
                    "im2col: columns is a closed tensor");
            assertMessage(IllegalStateException.class, () -> Im2col.col2im(columns, 0, 0, 1, window, closedInput),
                    "col2im: gradInput is a closed tensor");
            assertMessage(IllegalArgumentException.class, () -> Im2col.im2col(input, 0, 0, 1, window, bf16),
                    "im2col: columns must be f32, got bf16");
            Tensor view = input.reshape(1, 16);
            assertMessage(IllegalArgumentException.class, () -> Im2col.im2col(input, 0, 0, 1, window, view),
                    "im2col: columns must not share memory with input");
            assertMessage(IllegalArgumentException.class, () -> Im2col.col2im(view, 0, 0, 1, window, input),
                    "col2im: columns must not share memory with gradInput");
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void assertMessage(Class<? extends RuntimeException> type, Executable call, String... parts) {
        RuntimeException e = assertThrows(type, call);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should contain '" + part + "'");
        }
    }

    private static float[] guarded(float[] values) {
        float[] result = filled(values.length + 2 * GUARD, SENTINEL);
        System.arraycopy(values, 0, result, GUARD, values.length);
        return result;
    }

    private static float[] filled(int length, float value) {
        float[] values = new float[length];
        Arrays.fill(values, value);
        return values;
    }

    private static MemorySegment segmentOf(Arena arena, float[] values) {
        MemorySegment segment = arena.allocate(ValueLayout.JAVA_FLOAT, values.length);
        MemorySegment.copy(values, 0, segment, ValueLayout.JAVA_FLOAT, 0, values.length);
        return segment;
    }
}
