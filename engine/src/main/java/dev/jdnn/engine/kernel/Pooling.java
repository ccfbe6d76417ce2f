package dev.jdnn.engine.kernel;

import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Max, average and global average pooling of f32 {@code (N, C, H, W)} tensors, forward and backward, with PyTorch's
 * semantics ({@code max_pool2d}, {@code avg_pool2d}, {@code adaptive_avg_pool2d(x, 1)}): output sizes from
 * {@link Window2d}, padding at most half the effective kernel, padding never selected by a max and counted by an average
 * only with {@code countIncludePad}, NaN propagated by a max, argmax indices as in-plane positions {@code h * W + w}.
 *
 * <p>Every entry checks its arguments once and splits the work over the {@code N * C} planes with {@link Parallel}.
 * Outputs are overwritten (a backward pass zeroes {@code dx} itself); inputs are never closed or changed.
 */
public final class Pooling {

    private static final PoolingKernels KERNELS =
            Vectorization.load(PoolingKernels.class, "SimdPoolingKernels", ScalarPoolingKernels::new);

    /** Roughly how many elements (read plus written) one parallel task handles. */
    private static final long TASK_ELEMENTS = 1 << 14;

    private Pooling() {
    }

    /** Consecutive planes {@code [firstPlane, firstPlane + planes)} of one parallel task. */
    @FunctionalInterface
    private interface PlaneRange {
        void run(int firstPlane, int planes);
    }

    /** The output shape {@code (N, C, OH, OW)} of {@link #maxPool2dForward} for an input of shape {@code input}. */
    public static Shape maxPool2dOutputShape(Shape input, Window2d window) {
        return outputShape("maxPool2d", "input", input, window, true);
    }

    /** The output shape {@code (N, C, OH, OW)} of {@link #avgPool2dForward} for an input of shape {@code input}. */
    public static Shape avgPool2dOutputShape(Shape input, Window2d window) {
        return outputShape("avgPool2d", "input", input, window, false);
    }

    /**
     * Max pooling: {@code y} {@code (N, C, OH, OW)} gets the maximum of each window of {@code x} {@code (N, C, H, W)}
     * (a NaN in the window wins), and {@code indices}, when not {@code null}, where it came from, for
     * {@link #maxPool2dBackward}.
     */
    public static void maxPool2dForward(Tensor x, Window2d window, Tensor y, PoolingIndices indices) {
        final String op = "maxPool2d";
        MemorySegment xs = openF32(x, op + ": input");
        MemorySegment ys = openF32(y, op + ": output");
        Shape outputShape = outputShape(op, "input", x.shape(), window, true);
        y.shape().requireEqual(outputShape, op + ": output");
        TensorChecks.requireDisjoint(ys, op + ": output", xs, "the input");
        MemorySegment is = null;
        if (indices != null) {
            is = indices.segment(op + ": indices");
            indices.shape().requireEqual(outputShape, op + ": indices");
            indices.inputShape().requireEqual(x.shape(), op + ": indices' input shape");
        }
        MemorySegment indicesSegment = is;
        int height = x.dim(2);
        int width = x.dim(3);
        int outputHeight = outputShape.dim(2);
        int outputWidth = outputShape.dim(3);
        long inputPlane = (long) height * width;
        long outputPlane = (long) outputHeight * outputWidth;
        forEachPlaneRange(planes(x), inputPlane + outputPlane, (first, planes) ->
                KERNELS.maxPool2dForward(xs, first * inputPlane, planes, height, width, window,
                        ys, first * outputPlane, outputHeight, outputWidth, indicesSegment, first * outputPlane));
    }

    /**
     * Max pooling's backward pass: {@code dx} {@code (N, C, H, W)} is zeroed, then each element of {@code dy}
     * {@code (N, C, OH, OW)} is added where {@code indices} (from {@link #maxPool2dForward}) say its output came from.
     * Where windows overlap, contributions add in ascending output order, so the result is deterministic.
     */
    public static void maxPool2dBackward(Tensor dy, PoolingIndices indices, Tensor dx) {
        final String op = "maxPool2dBackward";
        MemorySegment dys = openF32(dy, op + ": dy");
        MemorySegment dxs = openF32(dx, op + ": dx");
        Objects.requireNonNull(indices, op + ": indices");
        MemorySegment is = indices.segment(op + ": indices");
        dy.shape().requireRank(4, op + ": dy", "N, C, OH, OW").requireEqual(indices.shape(), op + ": dy");
        dx.shape().requireRank(4, op + ": dx", "N, C, H, W").requireEqual(indices.inputShape(), op + ": dx");
        TensorChecks.requireDisjoint(dxs, op + ": dx", dys, "dy");
        int inputPlane = dx.dim(2) * dx.dim(3); // fits: PoolingIndices checked it
        int outputPlane = Math.multiplyExact(dy.dim(2), dy.dim(3));
        forEachPlaneRange(planes(dx), (long) inputPlane + outputPlane, (first, planes) ->
                KERNELS.maxPool2dBackward(dys, (long) first * outputPlane, is, (long) first * outputPlane, planes,
                        outputPlane, dxs, (long) first * inputPlane, inputPlane));
    }

    /**
     * Average pooling (no dilation): {@code y} {@code (N, C, OH, OW)} gets each window's mean. The divisor is PyTorch's:
     * with {@code countIncludePad}, the window clipped to the padded input; without, the number of input elements in
     * the window.
     */
    public static void avgPool2dForward(Tensor x, Window2d window, boolean countIncludePad, Tensor y) {
        final String op = "avgPool2d";
        MemorySegment xs = openF32(x, op + ": input");
        MemorySegment ys = openF32(y, op + ": output");
        Shape outputShape = outputShape(op, "input", x.shape(), window, false);
        y.shape().requireEqual(outputShape, op + ": output");
        TensorChecks.requireDisjoint(ys, op + ": output", xs, "the input");
        int height = x.dim(2);
        int width = x.dim(3);
        int outputHeight = outputShape.dim(2);
        int outputWidth = outputShape.dim(3);
        long inputPlane = (long) height * width;
        long outputPlane = (long) outputHeight * outputWidth;
        forEachPlaneRange(planes(x), inputPlane + outputPlane, (first, planes) ->
                KERNELS.avgPool2dForward(xs, first * inputPlane, planes, height, width, window, countIncludePad,
                        ys, first * outputPlane, outputHeight, outputWidth));
    }

    /**
     * Average pooling's backward pass: {@code dx} {@code (N, C, H, W)} gets, for each element, the sum of
     * {@code dy / divisor} over the windows that hold it ({@code dy} is {@code (N, C, OH, OW)}, same window and
     * {@code countIncludePad} as the forward pass).
     */
    public static void avgPool2dBackward(Tensor dy, Window2d window, boolean countIncludePad, Tensor dx) {
        final String op = "avgPool2dBackward";
        MemorySegment dys = openF32(dy, op + ": dy");
        MemorySegment dxs = openF32(dx, op + ": dx");
        Shape outputShape = outputShape(op, "dx", dx.shape(), window, false);
        dy.shape().requireEqual(outputShape, op + ": dy");
        TensorChecks.requireDisjoint(dxs, op + ": dx", dys, "dy");
        int height = dx.dim(2);
        int width = dx.dim(3);
        int outputHeight = outputShape.dim(2);
        int outputWidth = outputShape.dim(3);
        long inputPlane = (long) height * width;
        long outputPlane = (long) outputHeight * outputWidth;
        forEachPlaneRange(planes(dx), inputPlane + outputPlane, (first, planes) ->
                KERNELS.avgPool2dBackward(dys, first * outputPlane, planes, outputHeight, outputWidth, window,
                        countIncludePad, dxs, first * inputPlane, height, width));
    }

    /** Global average pooling: {@code y} {@code (N, C, 1, 1)} or {@code (N, C)} gets the mean of each plane of x. */
    public static void globalAvgPool2dForward(Tensor x, Tensor y) {
        final String op = "globalAvgPool2d";
        MemorySegment xs = openF32(x, op + ": input");
        MemorySegment ys = openF32(y, op + ": output");
        x.shape().requireRank(4, op + ": input", "N, C, H, W");
        requirePooledShape(y.shape(), x.shape(), op + ": output");
        TensorChecks.requireDisjoint(ys, op + ": output", xs, "the input");
        int planeSize = planeSize(x.shape(), op + ": input");
        forEachPlaneRange(planes(x), planeSize + 1L, (first, planes) ->
                KERNELS.globalAvgPool2dForward(xs, (long) first * planeSize, planes, planeSize, ys, first));
    }

    /**
     * Global average pooling's backward pass: every element of plane {@code (n, c)} of {@code dx} {@code (N, C, H, W)}
     * becomes {@code dy[n, c] / (H * W)}; {@code dy} is {@code (N, C, 1, 1)} or {@code (N, C)}.
     */
    public static void globalAvgPool2dBackward(Tensor dy, Tensor dx) {
        final String op = "globalAvgPool2dBackward";
        MemorySegment dys = openF32(dy, op + ": dy");
        MemorySegment dxs = openF32(dx, op + ": dx");
        dx.shape().requireRank(4, op + ": dx", "N, C, H, W");
        requirePooledShape(dy.shape(), dx.shape(), op + ": dy");
        TensorChecks.requireDisjoint(dxs, op + ": dx", dys, "dy");
        int planeSize = planeSize(dx.shape(), op + ": dx");
        forEachPlaneRange(planes(dx), planeSize + 1L, (first, planes) ->
                KERNELS.globalAvgPool2dBackward(dys, first, planes, planeSize, dxs, (long) first * planeSize));
    }

    private static MemorySegment openF32(Tensor tensor, String what) {
        Objects.requireNonNull(tensor, what);
        tensor.requireOpen(what).requireDType(DType.F32, what);
        return tensor.segment(what);
    }

    private static Shape outputShape(String op, String inputName, Shape input, Window2d window, boolean dilationAllowed) {
        Objects.requireNonNull(window, op + ": window");
        input.requireRank(4, op + ": " + inputName, "N, C, H, W");
        if (!dilationAllowed && (window.dilationH() != 1 || window.dilationW() != 1)) {
            throw new IllegalArgumentException(op + ": dilation must be (1, 1) (average pooling has none), got ("
                    + window.dilationH() + ", " + window.dilationW() + ")");
        }
        requireHalfPad(op, "height", window.padH(), window.kernelH(), window.dilationH());
        requireHalfPad(op, "width", window.padW(), window.kernelW(), window.dilationW());
        int outputHeight;
        int outputWidth;
        try {
            outputHeight = window.outputHeight(input.dim(2));
            outputWidth = window.outputWidth(input.dim(3));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": " + inputName + " " + input + ": " + e.getMessage(), e);
        }
        return Shape.of(input.dim(0), input.dim(1), outputHeight, outputWidth);
    }

    /** PyTorch's rule (and what keeps every window on at least one input element without dilation). */
    private static void requireHalfPad(String op, String axis, int pad, int kernel, int dilation) {
        long effectiveKernel = (long) (kernel - 1) * dilation + 1;
        if (pad > effectiveKernel / 2) {
            throw new IllegalArgumentException(op + ": pad should be at most half of effective kernel size, but got pad="
                    + pad + ", kernel_size=" + kernel + " and dilation=" + dilation + " (" + axis + ")");
        }
    }

    private static void requirePooledShape(Shape pooled, Shape input, String what) {
        Shape expected4 = Shape.of(input.dim(0), input.dim(1), 1, 1);
        Shape expected2 = Shape.of(input.dim(0), input.dim(1));
        if (!pooled.equals(expected4) && !pooled.equals(expected2)) {
            throw new IllegalArgumentException(
                    what + " must have shape " + expected4 + " or " + expected2 + ", got " + pooled);
        }
    }

    private static int planes(Tensor nchw) {
        return Math.multiplyExact(nchw.dim(0), nchw.dim(1));
    }

    private static int planeSize(Shape nchw, String what) {
        long size = (long) nchw.dim(2) * nchw.dim(3);
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + ": a plane of " + nchw + " has more than "
                    + Integer.MAX_VALUE + " elements");
        }
        return (int) size;
    }

    /** Runs {@code body} over all planes in tasks of about {@link #TASK_ELEMENTS} elements each. */
    private static void forEachPlaneRange(int planes, long elementsPerPlane, PlaneRange body) {
        int planesPerTask = (int) Math.max(1, Math.min(planes, TASK_ELEMENTS / Math.max(1, elementsPerPlane)));
        int tasks = Math.ceilDiv(planes, planesPerTask);
        Parallel.forEach(tasks, (task, worker) -> {
            int first = task * planesPerTask;
            body.run(first, Math.min(planesPerTask, planes - first));
        });
    }
}
