package dev.jdnn.engine.kernel;

import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;
import java.lang.foreign.MemorySegment;

/**
 * Squeeze-and-excitation's broadcast multiply: {@code y[n, c, h, w] = x[n, c, h, w] · s[n, c]}, one scale per plane, as
 * {@code x * s} in PyTorch with {@code s} of shape {@code (N, C, 1, 1)}; and its gradients {@code dx = dy · s},
 * {@code ds[n, c] = Σ_hw dy · x}.
 *
 * <p>{@code x} is {@code (N, C, H, W)} (or {@code (N, C)}, planes of one element); {@code s} and {@code ds} are
 * {@code (N, C)} or {@code (N, C, 1, 1)}. Work is split over planes in tasks of about 16K elements run by
 * {@link Parallel#forEach}; each {@code ds} element is one plane's sum, so no two tasks write the same sum. Element-wise
 * outputs may be the very tensor of an element-wise input (in place), never a partial overlap.
 */
public final class ChannelScale {

    private static final ChannelScaleKernels KERNELS =
            Vectorization.load(ChannelScaleKernels.class, "SimdChannelScaleKernels", ScalarChannelScaleKernels::new);

    private ChannelScale() {
    }

    /**
     * {@code y = x · s} per plane.
     *
     * @param x {@code (N, C, H, W)} or {@code (N, C)}
     * @param s {@code (N, C)} or {@code (N, C, 1, 1)}
     * @param y same shape as {@code x}; may be {@code x}
     */
    public static void forward(Tensor x, Tensor s, Tensor y) {
        final String op = "channelScale";
        Activations.requireChannelRank(x, op + ": x");
        requirePlaneVector(s, op + ": s", x);
        Activations.requireSameShape(y, op + ": y", x);
        MemorySegment xs = Activations.checked(x, op + ": x");
        MemorySegment ss = Activations.checked(s, op + ": s");
        MemorySegment ys = Activations.checked(y, op + ": y");
        TensorChecks.requireSameOrDisjoint(ys, op + ": y", xs, "x");
        TensorChecks.requireDisjoint(ys, op + ": y", ss, "s");
        forEachPlaneRange(x, (firstPlane, planeCount, planeSize) ->
                KERNELS.forward(xs, ss, ys, firstPlane, planeCount, planeSize));
    }

    /**
     * {@link #forward} on channels-last data: {@code x} and {@code y} are {@code (N, H, W, C)} (the physical shape of
     * an NHWC tensor), {@code s} holds {@code (N, C)} values ({@code (N, C)}, {@code (N, C, 1, 1)} or
     * {@code (N, 1, 1, C)}, the same memory). Inference only: there is no channels-last backward.
     */
    public static void forwardChannelsLast(Tensor x, Tensor s, Tensor y) {
        final String op = "channelScale (channels-last)";
        x.shape().requireRank(4, "channelScale (channels-last): x", "N, H, W, C");
        int channels = x.dim(3);
        if (s == null || s.elementCount() != (long) x.dim(0) * channels) {
            throw new IllegalArgumentException(op + ": s must hold (N, C) = (" + x.dim(0) + ", " + channels
                    + ") values, got " + (s == null ? "null" : s.shape()));
        }
        Activations.requireSameShape(y, op + ": y", x);
        MemorySegment xs = Activations.checked(x, op + ": x");
        MemorySegment ss = Activations.checked(s, op + ": s");
        MemorySegment ys = Activations.checked(y, op + ": y");
        TensorChecks.requireSameOrDisjoint(ys, op + ": y", xs, "x");
        TensorChecks.requireDisjoint(ys, op + ": y", ss, "s");
        long rowsPerImage = (long) x.dim(1) * x.dim(2);
        long rows = x.dim(0) * rowsPerImage;
        long rowsPerTask = Math.max(1, Activations.CHUNK_ELEMENTS / Math.max(1, channels));
        int tasks = Math.toIntExact((rows + rowsPerTask - 1) / rowsPerTask);
        Parallel.forEach(tasks, (task, worker) -> {
            long firstRow = task * rowsPerTask;
            KERNELS.forwardChannelsLast(xs, ss, ys, firstRow, Math.min(rowsPerTask, rows - firstRow), channels,
                    rowsPerImage);
        });
    }

    /**
     * The gradients of {@link #forward}: {@code dx = dy · s} and {@code ds[n, c] = Σ_hw dy · x} (overwritten), the sum
     * in f32 with fused multiply-adds, within γ(H·W)·Σ|dy·x| of the exact one. Either output may be {@code null} when
     * that gradient is not wanted; {@code dx} may be {@code dy} or {@code x} (in place).
     *
     * @param x  {@code (N, C, H, W)} or {@code (N, C)}, the forward input
     * @param s  {@code (N, C)} or {@code (N, C, 1, 1)}
     * @param dy same shape as {@code x}
     * @param dx same shape as {@code x}, or {@code null}
     * @param ds same shape as {@code s}, or {@code null}
     */
    public static void backward(Tensor x, Tensor s, Tensor dy, Tensor dx, Tensor ds) {
        final String op = "channelScale backward";
        Activations.requireChannelRank(x, op + ": x");
        requirePlaneVector(s, op + ": s", x);
        Activations.requireSameShape(dy, op + ": dy", x);
        MemorySegment xs = Activations.checked(x, op + ": x");
        MemorySegment ss = Activations.checked(s, op + ": s");
        MemorySegment dys = Activations.checked(dy, op + ": dy");
        MemorySegment dxs = null;
        if (dx != null) {
            Activations.requireSameShape(dx, op + ": dx", x);
            dxs = Activations.checked(dx, op + ": dx");
            TensorChecks.requireSameOrDisjoint(dxs, op + ": dx", xs, "x");
            TensorChecks.requireSameOrDisjoint(dxs, op + ": dx", dys, "dy");
            TensorChecks.requireDisjoint(dxs, op + ": dx", ss, "s");
        }
        MemorySegment dss = null;
        if (ds != null) {
            Activations.requireSameShape(ds, op + ": ds", s);
            dss = Activations.checked(ds, op + ": ds");
            TensorChecks.requireDisjoint(dss, op + ": ds", xs, "x");
            TensorChecks.requireDisjoint(dss, op + ": ds", ss, "s");
            TensorChecks.requireDisjoint(dss, op + ": ds", dys, "dy");
            if (dxs != null) {
                TensorChecks.requireDisjoint(dss, op + ": ds", dxs, "dx");
            }
        }
        MemorySegment dxOut = dxs;
        MemorySegment dsOut = dss;
        forEachPlaneRange(x, (firstPlane, planeCount, planeSize) ->
                KERNELS.backward(xs, ss, dys, dxOut, dsOut, firstPlane, planeCount, planeSize));
    }

    /** The kernels in use: the Vector API ones when available, else the scalar twin. */
    static ChannelScaleKernels kernels() {
        return KERNELS;
    }

    private static void requirePlaneVector(Tensor s, String what, Tensor x) {
        if (s == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        Shape shape = s.shape();
        boolean flat = shape.rank() == 2 && shape.dim(0) == x.dim(0) && shape.dim(1) == x.dim(1);
        boolean image = shape.rank() == 4 && shape.dim(0) == x.dim(0) && shape.dim(1) == x.dim(1) && shape.dim(2) == 1
                && shape.dim(3) == 1;
        if (!flat && !image) {
            throw new IllegalArgumentException(what + " must have shape " + Shape.of(x.dim(0), x.dim(1)) + " or "
                    + Shape.of(x.dim(0), x.dim(1), 1, 1) + ", got " + shape);
        }
    }

    /** Planes {@code [firstPlane, firstPlane + planeCount)} of one task. */
    @FunctionalInterface
    private interface PlaneRange {
        void run(long firstPlane, long planeCount, long planeSize);
    }

    private static void forEachPlaneRange(Tensor x, PlaneRange range) {
        long planeSize = x.rank() == 4 ? x.shape().elementCountFrom(2) : 1;
        long planes = (long) x.dim(0) * x.dim(1);
        long planesPerTask = Math.max(1, Activations.CHUNK_ELEMENTS / Math.max(1, planeSize));
        int tasks = Math.toIntExact((planes + planesPerTask - 1) / planesPerTask);
        Parallel.forEach(tasks, (task, worker) -> {
            long firstPlane = task * planesPerTask;
            range.run(firstPlane, Math.min(planesPerTask, planes - firstPlane), planeSize);
        });
    }
}
