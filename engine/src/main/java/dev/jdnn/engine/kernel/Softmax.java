package dev.jdnn.engine.kernel;

import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;
import java.lang.foreign.MemorySegment;

/**
 * Softmax and log-softmax along the channel axis (axis 1) of {@code (N, C)} or {@code (N, C, H, W)} f32 tensors, as
 * {@code torch.softmax(x, 1)} and {@code torch.log_softmax(x, 1)}, and their gradients. The max is subtracted first,
 * so no input overflows; a NaN among a position's channels makes all that position's outputs NaN.
 *
 * <p>Work is split into tasks of about 16K elements: whole items when an item is that small, else ranges of spatial
 * positions within an item (every position needs all its channels). Outputs may be the very same tensor as an input.
 */
public final class Softmax {

    private static final SoftmaxKernels KERNELS =
            Vectorization.load(SoftmaxKernels.class, "SimdSoftmaxKernels", ScalarSoftmaxKernels::new);

    /** Spatial ranges are cut at multiples of this, so that only an item's last range has a partial vector. */
    private static final int SPATIAL_ALIGNMENT = 64;

    private Softmax() {
    }

    /** {@code y = softmax(x)} along axis 1; {@code y} may be {@code x}. */
    public static void softmax(Tensor x, Tensor y) {
        forward("softmax", x, y, false);
    }

    /** {@code y = log_softmax(x)} along axis 1; {@code y} may be {@code x}. */
    public static void logSoftmax(Tensor x, Tensor y) {
        forward("logSoftmax", x, y, true);
    }

    /**
     * The gradient of {@link #softmax} from its output: {@code dx = y * (dy - Σ_c dy * y)}. {@code dx} may be
     * {@code y} or {@code dy}.
     */
    public static void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        backward("softmax backward", y, dy, dx, false);
    }

    /**
     * The gradient of {@link #logSoftmax} from its output: {@code dx = dy - exp(y) * Σ_c dy}. {@code dx} may be
     * {@code y} or {@code dy}.
     */
    public static void logSoftmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        backward("logSoftmax backward", y, dy, dx, true);
    }

    private static void forward(String op, Tensor x, Tensor y, boolean log) {
        Activations.requireChannelRank(x, op + ": x");
        Activations.requireSameShape(y, op + ": y", x);
        MemorySegment xs = Activations.checked(x, op + ": x");
        MemorySegment ys = Activations.checked(y, op + ": y");
        TensorChecks.requireSameOrDisjoint(ys, op + ": y", xs, "x");
        split(x, (firstItem, itemCount, channels, spatial, spatialFrom, spatialCount) -> {
            if (log) {
                KERNELS.logSoftmax(xs, ys, firstItem, itemCount, channels, spatial, spatialFrom, spatialCount);
            } else {
                KERNELS.softmax(xs, ys, firstItem, itemCount, channels, spatial, spatialFrom, spatialCount);
            }
        });
    }

    private static void backward(String op, Tensor y, Tensor dy, Tensor dx, boolean log) {
        Activations.requireChannelRank(y, op + ": y");
        Activations.requireSameShape(dy, op + ": dy", y);
        Activations.requireSameShape(dx, op + ": dx", y);
        MemorySegment ys = Activations.checked(y, op + ": y");
        MemorySegment dys = Activations.checked(dy, op + ": dy");
        MemorySegment dxs = Activations.checked(dx, op + ": dx");
        TensorChecks.requireSameOrDisjoint(dxs, op + ": dx", ys, "y");
        TensorChecks.requireSameOrDisjoint(dxs, op + ": dx", dys, "dy");
        split(y, (firstItem, itemCount, channels, spatial, spatialFrom, spatialCount) -> {
            if (log) {
                KERNELS.logSoftmaxBackward(ys, dys, dxs, firstItem, itemCount, channels, spatial, spatialFrom,
                        spatialCount);
            } else {
                KERNELS.softmaxBackward(ys, dys, dxs, firstItem, itemCount, channels, spatial, spatialFrom,
                        spatialCount);
            }
        });
    }

    /** One task's work: a range of items and, within each, a range of spatial positions. */
    @FunctionalInterface
    private interface Box {
        void run(int firstItem, int itemCount, int channels, long spatial, long spatialFrom, long spatialCount);
    }

    private static void split(Tensor tensor, Box box) {
        int batch = tensor.dim(0);
        int channels = tensor.dim(1);
        long spatial = tensor.rank() == 4 ? tensor.shape().elementCountFrom(2) : 1;
        long itemSize = channels * spatial;
        if (itemSize <= Activations.CHUNK_ELEMENTS) {
            int itemsPerTask = (int) (Activations.CHUNK_ELEMENTS / itemSize);
            int tasks = (batch + itemsPerTask - 1) / itemsPerTask;
            Parallel.forEach(tasks, (task, worker) -> {
                int firstItem = task * itemsPerTask;
                box.run(firstItem, Math.min(itemsPerTask, batch - firstItem), channels, spatial, 0, spatial);
            });
            return;
        }
        long positionsPerTask = Math.max(1, Activations.CHUNK_ELEMENTS / channels);
        if (positionsPerTask >= SPATIAL_ALIGNMENT) {
            positionsPerTask -= positionsPerTask % SPATIAL_ALIGNMENT;
        }
        long perTask = positionsPerTask;
        int tasksPerItem = Math.toIntExact((spatial + perTask - 1) / perTask);
        int tasks = Math.multiplyExact(batch, tasksPerItem);
        Parallel.forEach(tasks, (task, worker) -> {
            int item = task / tasksPerItem;
            long spatialFrom = (task % tasksPerItem) * perTask;
            box.run(item, 1, channels, spatial, spatialFrom, Math.min(perTask, spatial - spatialFrom));
        });
    }
}
