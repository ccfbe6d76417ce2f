package dev.jdnn.engine.kernel;

import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Max pooling forward and backward, as {@link Pooling#maxPool2dForward} and {@link Pooling#maxPool2dBackward}, with
 * the argmax indices in memory the caller provides (a backend's workspace tensor) rather than in a
 * {@link PoolingIndices}: one {@code int} per output element, {@link PoolingIndices}' convention, the same kernels.
 *
 * <p>This class exists because {@link PoolingIndices} owns its memory; once it can view a caller's segment (or
 * {@link Pooling} takes a segment), these two entries belong in {@link Pooling} and this class goes away.
 */
public final class MaxPoolingWithIndexMemory {

    private static final PoolingKernels KERNELS =
            Vectorization.load(PoolingKernels.class, "SimdPoolingKernels", ScalarPoolingKernels::new);

    /** Roughly how many elements (read plus written) one parallel task handles, as in {@link Pooling}. */
    private static final long TASK_ELEMENTS = 1 << 14;

    private MaxPoolingWithIndexMemory() {
    }

    /** Bytes of index memory a max pooling with output {@code outputShape} needs. */
    public static long indexBytes(Shape outputShape) {
        return Math.multiplyExact(outputShape.elementCount(), (long) Integer.BYTES);
    }

    /**
     * {@code y (N, C, OH, OW)} = max pooling of {@code x (N, C, H, W)}, and the in-plane position of each maximum in
     * {@code indices} (at least {@link #indexBytes} bytes, 4-byte aligned).
     */
    public static void forward(Tensor x, Window2d window, Tensor y, MemorySegment indices) {
        String op = "maxPool2d";
        Shape outputShape = Pooling.maxPool2dOutputShape(x.shape(), window);
        MemorySegment xs = f32(x, op + ": input");
        MemorySegment ys = f32(y, op + ": output");
        y.shape().requireEqual(outputShape, op + ": output");
        requireIndexMemory(indices, outputShape, op);
        int height = x.dim(2);
        int width = x.dim(3);
        int outputHeight = outputShape.dim(2);
        int outputWidth = outputShape.dim(3);
        long inputPlane = (long) height * width;
        long outputPlane = (long) outputHeight * outputWidth;
        forEachPlaneRange(Math.multiplyExact(x.dim(0), x.dim(1)), inputPlane + outputPlane, (first, planes) ->
                KERNELS.maxPool2dForward(xs, first * inputPlane, planes, height, width, window,
                        ys, first * outputPlane, outputHeight, outputWidth, indices, first * outputPlane));
    }

    /**
     * {@code dx (N, C, H, W)} = zero, then each element of {@code dy (N, C, OH, OW)} added at the position
     * {@link #forward} recorded in {@code indices}, in ascending output order within a plane.
     */
    public static void backward(Tensor dy, MemorySegment indices, Tensor dx) {
        String op = "maxPool2dBackward";
        MemorySegment dys = f32(dy, op + ": dy");
        MemorySegment dxs = f32(dx, op + ": dx");
        dy.shape().requireRank(4, op + ": dy", "N, C, OH, OW");
        dx.shape().requireRank(4, op + ": dx", "N, C, H, W");
        if (dy.dim(0) != dx.dim(0) || dy.dim(1) != dx.dim(1)) {
            throw new IllegalArgumentException(op + ": dy " + dy.shape() + " and dx " + dx.shape()
                    + " must have the same (N, C)");
        }
        requireIndexMemory(indices, dy.shape(), op);
        int inputPlane = Math.multiplyExact(dx.dim(2), dx.dim(3));
        int outputPlane = Math.multiplyExact(dy.dim(2), dy.dim(3));
        forEachPlaneRange(Math.multiplyExact(dx.dim(0), dx.dim(1)), (long) inputPlane + outputPlane,
                (first, planes) -> KERNELS.maxPool2dBackward(dys, (long) first * outputPlane, indices,
                        (long) first * outputPlane, planes, outputPlane, dxs, (long) first * inputPlane, inputPlane));
    }

    private static MemorySegment f32(Tensor tensor, String what) {
        Objects.requireNonNull(tensor, what);
        return tensor.requireOpen(what).requireDType(DType.F32, what).segment(what);
    }

    private static void requireIndexMemory(MemorySegment indices, Shape outputShape, String op) {
        Objects.requireNonNull(indices, op + ": indices");
        if (indices.byteSize() < indexBytes(outputShape)) {
            throw new IllegalArgumentException(op + ": indices must hold " + indexBytes(outputShape) + " bytes for "
                    + outputShape + ", got " + indices.byteSize());
        }
    }

    @FunctionalInterface
    private interface PlaneRange {
        void run(int firstPlane, int planes);
    }

    private static void forEachPlaneRange(int planes, long elementsPerPlane, PlaneRange body) {
        int planesPerTask = (int) Math.max(1, Math.min(planes, TASK_ELEMENTS / Math.max(1, elementsPerPlane)));
        int tasks = Math.ceilDiv(planes, planesPerTask);
        Parallel.forEach(tasks, (task, worker) -> {
            int first = task * planesPerTask;
            body.run(first, Math.min(planesPerTask, planes - first));
        });
    }
}
