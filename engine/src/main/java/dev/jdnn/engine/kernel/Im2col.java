package dev.jdnn.engine.kernel;

import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * im2col and col2im: the data movement that turns a (grouped, strided, padded, dilated) 2-D convolution of one image
 * into a GEMM per group, {@code output[g] (OC/groups, OH*OW) = weight[g] (OC/groups, C/groups*KH*KW) x columns}.
 *
 * <p>For image {@code n} and group {@code g} the column matrix has shape {@code (C/groups * KH * KW, OH * OW)}: row
 * {@code (c * KH + kh) * KW + kw} (c counted inside the group), column {@code oh * OW + ow}, holding input element
 * {@code (n, g * C/groups + c, oh * strideH - padH + kh * dilationH, ow * strideW - padW + kw * dilationW)} or 0 where
 * that is padding. Rows of consecutive groups follow each other, so a call with {@code groups = 1} writes the matrices
 * of every group at once: group g's is rows {@code [g * C/groups * KH * KW, (g + 1) * C/groups * KH * KW)}.
 *
 * <p>Work is split over channels with {@link Parallel#forEach}. With stride 1 each matrix row is zero runs around one
 * {@link MemorySegment#copy}; with stride 2 (ResNet's downsampling 3×3s, its 7×7 stem) the Vector API kernels take
 * every other element of two vector loads with one two-vector shuffle; other strides gather element by element.
 */
public final class Im2col {

    private static final Im2colKernels KERNELS =
            Vectorization.load(Im2colKernels.class, "SimdIm2colKernels", ScalarIm2colKernels::new);
    /** Column-matrix elements per parallel task, at least. */
    private static final long TASK_ELEMENTS = 1 << 14;

    private Im2col() {
    }

    /**
     * The shape of the column matrix of one group, {@code (C/groups * KH * KW, OH * OW)}, for an input of shape
     * {@code (N, C, H, W)}. Fails with a message naming {@code im2col} if the input is not 4-D, {@code groups} does not
     * divide C, the window uses ceil mode or does not fit the padded input.
     */
    public static Shape columnsShape(Shape inputShape, int groups, Window2d window) {
        Geometry geometry = Geometry.of("im2col", "input", inputShape, groups, window);
        return Shape.of(geometry.rows(), geometry.columns());
    }

    /**
     * Writes the column matrix of image {@code n}, group {@code group} of {@code input} into {@code columns}
     * (overwriting every element).
     *
     * @param input   {@code (N, C, H, W)}
     * @param n       image index in {@code [0, N)}
     * @param group   group index in {@code [0, groups)}
     * @param groups  number of groups; must divide C
     * @param window  kernel, stride, padding and dilation; ceil mode must be off
     * @param columns {@code (C/groups * KH * KW, OH * OW)}, see {@link #columnsShape}
     */
    public static void im2col(Tensor input, int n, int group, int groups, Window2d window, Tensor columns) {
        Objects.requireNonNull(input, "im2col: input");
        Objects.requireNonNull(columns, "im2col: columns");
        Objects.requireNonNull(window, "im2col: window");
        Geometry geometry = Geometry.of("im2col", "input", input.shape(), groups, window);
        geometry.checkIndices(n, group);
        input.requireDType(DType.F32, "im2col: input");
        columns.requireDType(DType.F32, "im2col: columns");
        geometry.checkColumns(columns);
        MemorySegment image = input.segment("im2col: input");
        MemorySegment matrix = columns.segment("im2col: columns");
        TensorChecks.requireDisjoint(matrix, "im2col: columns", image, "input");

        long inputOffset = geometry.firstPlane(n, group) * geometry.plane();
        int channelsPerTask = geometry.channelsPerTask();
        Parallel.forEach(geometry.taskCount(), (task, worker) -> {
            int first = task * channelsPerTask;
            int count = Math.min(channelsPerTask, geometry.groupChannels() - first);
            KERNELS.im2col(image, inputOffset + first * geometry.plane(), count, geometry.height(), geometry.width(),
                    window, geometry.outHeight(), geometry.outWidth(), matrix, first * geometry.channelElements(),
                    geometry.columns());
        });
    }

    /**
     * The shape of the column matrix of {@code images} images side by side, {@code (C/groups * KH * KW,
     * images * OH * OW)}, for {@link #im2colImages}.
     */
    public static Shape columnsShape(Shape inputShape, int groups, Window2d window, int images) {
        Geometry geometry = Geometry.of("im2col", "input", inputShape, groups, window);
        if (images <= 0) {
            throw new IllegalArgumentException("im2col: images must be positive, got " + images);
        }
        return Shape.of(geometry.rows(), Math.multiplyExact(images, geometry.columns()));
    }

    /**
     * Writes the column matrices of images {@code first .. first + images - 1}, group {@code group}, side by side into
     * {@code columns}: image {@code first + i} fills columns {@code [i * OH * OW, (i + 1) * OH * OW)} of every row. One
     * GEMM over this matrix convolves all of them at once, which keeps the GEMM wide when each image's output plane is
     * small (ResNet's 14×14 and 7×7 stages).
     *
     * @param columns {@code (C/groups * KH * KW, images * OH * OW)}, see {@link #columnsShape(Shape, int, Window2d, int)}
     */
    public static void im2colImages(Tensor input, int first, int images, int group, int groups, Window2d window,
                                    Tensor columns) {
        Objects.requireNonNull(input, "im2col: input");
        Objects.requireNonNull(columns, "im2col: columns");
        Objects.requireNonNull(window, "im2col: window");
        Geometry geometry = Geometry.of("im2col", "input", input.shape(), groups, window);
        if (images <= 0 || first < 0 || first + images > input.shape().dim(0)) {
            throw new IllegalArgumentException("im2col: images [" + first + ", " + ((long) first + images)
                    + ") must be a non-empty range inside [0, " + input.shape().dim(0) + ")");
        }
        geometry.checkIndices(first, group);
        input.requireDType(DType.F32, "im2col: input");
        columns.requireDType(DType.F32, "im2col: columns");
        Shape expected = columnsShape(input.shape(), groups, window, images);
        if (!columns.shape().equals(expected)) {
            throw new IllegalArgumentException("im2col: columns must be (C/groups * KH * KW, images * OH * OW) = "
                    + expected + " for " + images + " images of " + input.shape() + ", got " + columns.shape());
        }
        MemorySegment image = input.segment("im2col: input");
        MemorySegment matrix = columns.segment("im2col: columns");
        TensorChecks.requireDisjoint(matrix, "im2col: columns", image, "input");

        long ld = expected.dim(1);
        int channelsPerTask = geometry.channelsPerTask();
        int tasksPerImage = geometry.taskCount();
        Parallel.forEach(images * tasksPerImage, (task, worker) -> {
            int i = task / tasksPerImage;
            int firstChannel = task % tasksPerImage * channelsPerTask;
            int count = Math.min(channelsPerTask, geometry.groupChannels() - firstChannel);
            long inputOffset = (geometry.firstPlane(first + i, group) + firstChannel) * geometry.plane();
            long rowsBefore = (long) firstChannel * window.kernelH() * window.kernelW();
            KERNELS.im2col(image, inputOffset, count, geometry.height(), geometry.width(), window,
                    geometry.outHeight(), geometry.outWidth(), matrix, rowsBefore * ld + (long) i * geometry.columns(),
                    ld);
        });
    }

    /**
     * Adds the column matrix {@code columns} of image {@code n}, group {@code group} back onto {@code gradInput}: the
     * adjoint of {@link #im2col}, as used by convolution's backward-data pass. Accumulates; the caller zeroes
     * {@code gradInput} first when it should not keep its contents.
     *
     * @param columns   {@code (C/groups * KH * KW, OH * OW)}
     * @param n         image index in {@code [0, N)}
     * @param group     group index in {@code [0, groups)}
     * @param groups    number of groups; must divide C
     * @param window    kernel, stride, padding and dilation; ceil mode must be off
     * @param gradInput {@code (N, C, H, W)}, accumulated into
     */
    public static void col2im(Tensor columns, int n, int group, int groups, Window2d window, Tensor gradInput) {
        Objects.requireNonNull(columns, "col2im: columns");
        Objects.requireNonNull(gradInput, "col2im: gradInput");
        Objects.requireNonNull(window, "col2im: window");
        Geometry geometry = Geometry.of("col2im", "gradInput", gradInput.shape(), groups, window);
        geometry.checkIndices(n, group);
        columns.requireDType(DType.F32, "col2im: columns");
        gradInput.requireDType(DType.F32, "col2im: gradInput");
        geometry.checkColumns(columns);
        MemorySegment matrix = columns.segment("col2im: columns");
        MemorySegment image = gradInput.segment("col2im: gradInput");
        TensorChecks.requireDisjoint(matrix, "col2im: columns", image, "gradInput");

        long imageOffset = geometry.firstPlane(n, group) * geometry.plane();
        int channelsPerTask = geometry.channelsPerTask();
        // Each task owns whole channel planes of gradInput, so tasks never add into the same element.
        Parallel.forEach(geometry.taskCount(), (task, worker) -> {
            int first = task * channelsPerTask;
            int count = Math.min(channelsPerTask, geometry.groupChannels() - first);
            KERNELS.col2im(matrix, first * geometry.channelElements(), count, geometry.height(), geometry.width(),
                    window, geometry.outHeight(), geometry.outWidth(), image, imageOffset + first * geometry.plane());
        });
    }

    /** The checked sizes of one im2col / col2im call. */
    private record Geometry(String op, Shape imageShape, int groups, Window2d window, int groupChannels, int height,
                            int width, int outHeight, int outWidth, int rows, int columns) {

        static Geometry of(String op, String imageName, Shape imageShape, int groups, Window2d window) {
            imageShape.requireRank(4, op + ": " + imageName, "N, C, H, W");
            int channels = imageShape.dim(1);
            int height = imageShape.dim(2);
            int width = imageShape.dim(3);
            if (groups <= 0) {
                throw new IllegalArgumentException(op + ": groups must be positive, got " + groups);
            }
            if (channels % groups != 0) {
                throw new IllegalArgumentException(op + ": groups (" + groups + ") must divide the channel count C = "
                        + channels + " of " + imageName + " " + imageShape);
            }
            if (window.ceilMode()) {
                throw new IllegalArgumentException(
                        op + ": window must not use ceil mode (convolution output sizes round down), got " + window);
            }
            if ((long) height + 2L * window.padH() > Integer.MAX_VALUE
                    || (long) width + 2L * window.padW() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        op + ": padded " + imageName + " " + imageShape + " with " + window + " is too large");
            }
            int outHeight;
            int outWidth;
            try {
                outHeight = window.outputHeight(height);
                outWidth = window.outputWidth(width);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(op + ": " + imageName + " " + imageShape + ": " + e.getMessage(), e);
            }
            int groupChannels = channels / groups;
            long rows = (long) groupChannels * window.kernelH() * window.kernelW();
            long columns = (long) outHeight * outWidth;
            if (rows > Integer.MAX_VALUE || columns > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(op + ": the column matrix (" + rows + ", " + columns + ") for "
                        + imageName + " " + imageShape + " is too large");
            }
            return new Geometry(op, imageShape, groups, window, groupChannels, height, width, outHeight, outWidth,
                    (int) rows, (int) columns);
        }

        void checkIndices(int n, int group) {
            int batch = imageShape.dim(0);
            if (n < 0 || n >= batch) {
                throw new IllegalArgumentException(op + ": image index n must be in [0, " + batch + "), got " + n);
            }
            if (group < 0 || group >= groups) {
                throw new IllegalArgumentException(op + ": group must be in [0, " + groups + "), got " + group);
            }
        }

        void checkColumns(Tensor columnsTensor) {
            Shape expected = Shape.of(rows, columns);
            if (!columnsTensor.shape().equals(expected)) {
                throw new IllegalArgumentException(op + ": columns must be (C/groups * KH * KW, OH * OW) = " + expected
                        + " for " + imageShape + " with groups " + groups + ", kernel (" + window.kernelH() + ", "
                        + window.kernelW() + "), output (" + outHeight + ", " + outWidth + "), got "
                        + columnsTensor.shape());
            }
        }

        /** Index of the first channel plane of group {@code group} of image {@code n}. */
        long firstPlane(int n, int group) {
            return (long) n * imageShape.dim(1) + (long) group * groupChannels;
        }

        long plane() {
            return (long) height * width;
        }

        /** Column-matrix elements per channel: {@code KH * KW * OH * OW}. */
        long channelElements() {
            return (long) window.kernelH() * window.kernelW() * columns;
        }

        int channelsPerTask() {
            return Math.clamp(Math.ceilDiv(TASK_ELEMENTS, channelElements()), 1, groupChannels);
        }

        int taskCount() {
            return Math.ceilDiv(groupChannels, channelsPerTask());
        }
    }
}
