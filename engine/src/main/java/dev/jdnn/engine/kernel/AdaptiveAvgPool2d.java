package dev.jdnn.engine.kernel;

import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;
import java.lang.foreign.MemorySegment;

/**
 * Adaptive average pooling of f32 {@code (N, C, H, W)} tensors to {@code (N, C, OH, OW)}, forward and backward, as
 * PyTorch's {@code adaptive_avg_pool2d}: output {@code (i, j)} averages input rows
 * {@code [floor(i·H/OH), ceil((i+1)·H/OH))} and columns {@code [floor(j·W/OW), ceil((j+1)·W/OW))}; the backward pass
 * spreads each {@code dy} evenly over its window. The output size comes from the output tensor's shape. {@code OH} may
 * exceed {@code H} (windows then repeat rows).
 *
 * <p>Every entry checks its arguments once and splits the work over the {@code N * C} planes with {@link Parallel}.
 * Outputs are overwritten (the backward pass zeroes {@code dx} itself) and must not share memory with inputs.
 */
public final class AdaptiveAvgPool2d {

    private static final AdaptiveAvgPoolKernels KERNELS = Vectorization.load(AdaptiveAvgPoolKernels.class,
            "SimdAdaptiveAvgPoolKernels", AdaptiveAvgPoolKernels::scalar);

    /** Roughly how many elements (read plus written) one parallel task handles. */
    private static final long TASK_ELEMENTS = 1 << 14;

    private AdaptiveAvgPool2d() {
    }

    /** The output shape {@code (N, C, outputHeight, outputWidth)} for an input of shape {@code (N, C, H, W)}. */
    public static Shape outputShape(Shape input, int outputHeight, int outputWidth) {
        input.requireRank(4, "adaptiveAvgPool2d: input", "N, C, H, W");
        if (outputHeight < 1 || outputWidth < 1) {
            throw new IllegalArgumentException("adaptiveAvgPool2d: output size must be positive, got (" + outputHeight
                    + ", " + outputWidth + ")");
        }
        return Shape.of(input.dim(0), input.dim(1), outputHeight, outputWidth);
    }

    /**
     * {@code y} {@code (N, C, OH, OW)} gets the mean of each of its windows of {@code x} {@code (N, C, H, W)}.
     * {@code OH = OW = 1} is global average pooling, a vectorized plane sum.
     */
    public static void forward(Tensor x, Tensor y) {
        final String op = "adaptiveAvgPool2d";
        MemorySegment xs = checked(x, op + ": x", "N, C, H, W");
        MemorySegment ys = checked(y, op + ": y", "N, C, OH, OW");
        requireSamePlanes(y.shape(), x.shape(), op + ": y");
        TensorChecks.requireDisjoint(ys, op + ": y", xs, "x");
        int height = x.dim(2);
        int width = x.dim(3);
        int outputHeight = y.dim(2);
        int outputWidth = y.dim(3);
        long inputPlane = (long) height * width;
        long outputPlane = (long) outputHeight * outputWidth;
        forEachPlaneRange(x, inputPlane + outputPlane, (first, planes) ->
                KERNELS.forward(xs, first * inputPlane, planes, height, width,
                        ys, first * outputPlane, outputHeight, outputWidth));
    }

    /**
     * The backward pass: {@code dx} {@code (N, C, H, W)} is overwritten with, for each element, the sum of
     * {@code dy / windowSize} over the windows that hold it ({@code dy} is {@code (N, C, OH, OW)}).
     */
    public static void backward(Tensor dy, Tensor dx) {
        final String op = "adaptiveAvgPool2d backward";
        MemorySegment dys = checked(dy, op + ": dy", "N, C, OH, OW");
        MemorySegment dxs = checked(dx, op + ": dx", "N, C, H, W");
        requireSamePlanes(dy.shape(), dx.shape(), op + ": dy");
        TensorChecks.requireDisjoint(dxs, op + ": dx", dys, "dy");
        int height = dx.dim(2);
        int width = dx.dim(3);
        int outputHeight = dy.dim(2);
        int outputWidth = dy.dim(3);
        long inputPlane = (long) height * width;
        long outputPlane = (long) outputHeight * outputWidth;
        forEachPlaneRange(dx, inputPlane + outputPlane, (first, planes) ->
                KERNELS.backward(dys, first * outputPlane, planes, outputHeight, outputWidth,
                        dxs, first * inputPlane, height, width));
    }

    private static MemorySegment checked(Tensor tensor, String what, String axes) {
        TensorChecks.f32(tensor, what).shape().requireRank(4, what, axes);
        return tensor.segment(what);
    }

    private static void requireSamePlanes(Shape pooled, Shape input, String what) {
        if (pooled.dim(0) != input.dim(0) || pooled.dim(1) != input.dim(1)) {
            throw new IllegalArgumentException(what + " must have the (N, C) = (" + input.dim(0) + ", " + input.dim(1)
                    + ") of " + input + ", got " + pooled);
        }
    }

    /** Consecutive planes {@code [first, first + planes)} of one parallel task. */
    @FunctionalInterface
    private interface PlaneRange {
        void run(long first, int planes);
    }

    private static void forEachPlaneRange(Tensor nchw, long elementsPerPlane, PlaneRange body) {
        int planes = Math.multiplyExact(nchw.dim(0), nchw.dim(1));
        int planesPerTask = (int) Math.max(1, Math.min(planes, TASK_ELEMENTS / elementsPerPlane));
        int tasks = Math.ceilDiv(planes, planesPerTask);
        Parallel.forEach(tasks, (task, worker) -> {
            int first = task * planesPerTask;
            body.run(first, Math.min(planesPerTask, planes - first));
        });
    }
}
