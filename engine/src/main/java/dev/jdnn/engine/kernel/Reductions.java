package dev.jdnn.engine.kernel;

import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;
import java.lang.foreign.MemorySegment;

/**
 * Sums over tensor axes: the per-channel sum of {@code (N, C, H, W)} that is a bias's gradient. Each entry checks its
 * arguments once, then splits the work by channel with {@link Parallel#forEach}, so no two tasks write the same sum.
 */
public final class Reductions {

    private static final ReductionKernels KERNELS =
            Vectorization.load(ReductionKernels.class, "SimdReductionKernels", ScalarReductionKernels::new);

    private Reductions() {
    }

    /**
     * {@code sums[c] = Σ x[n, c, h, w]} over N, H and W (over N for an {@code (N, C)} tensor); {@code sums} is
     * overwritten. Accumulates in f32 within each {@code (H, W)} plane and in double across planes, so the error stays
     * within the f32 bound of a sum of {@code N·H·W} terms.
     *
     * @param x    {@code (N, C, H, W)} or {@code (N, C)}
     * @param sums {@code (C)}, must not overlap {@code x}
     */
    public static void channelSum(Tensor x, Tensor sums) {
        final String op = "channelSum";
        Activations.requireChannelRank(x, op + ": x");
        int batch = x.dim(0);
        int channels = x.dim(1);
        if (sums == null) {
            throw new IllegalArgumentException(op + ": sums must not be null");
        }
        sums.shape().requireEqual(Shape.of(channels), op + ": sums");
        MemorySegment xs = Activations.checked(x, op + ": x");
        MemorySegment ss = Activations.checked(sums, op + ": sums");
        TensorChecks.requireDisjoint(ss, op + ": sums", xs, "x");
        long planeSize = x.rank() == 4 ? x.shape().elementCountFrom(2) : 1;
        int channelsPerTask = Math.clamp(Activations.CHUNK_ELEMENTS / (batch * planeSize), 1, channels);
        int tasks = Math.ceilDiv(channels, channelsPerTask);
        Parallel.forEach(tasks, (task, worker) -> {
            int firstChannel = task * channelsPerTask;
            KERNELS.channelSum(xs, ss, firstChannel, Math.min(channelsPerTask, channels - firstChannel), batch,
                    channels, planeSize);
        });
    }

    /** The kernels in use: the Vector API ones when available, else the scalar twin. */
    static ReductionKernels kernels() {
        return KERNELS;
    }

    /** The scalar twin (tests run it beside the vector one). */
    static ReductionKernels scalarKernels() {
        return new ScalarReductionKernels();
    }
}
