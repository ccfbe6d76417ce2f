package dev.jdnn.engine.kernel;

import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;
import java.lang.foreign.MemorySegment;

/** {@code hardtanh} / ReLU6 on f32 tensors, forward and backward, split over the workers ({@link ClampKernels}). */
public final class Clamp {

    private static final ClampKernels KERNELS =
            Vectorization.load(ClampKernels.class, "SimdClampKernels", ScalarClampKernels::new);

    private Clamp() {
    }

    /** The kernels in use; {@link #scalarKernels()} is their reference. */
    public static ClampKernels preferredKernels() {
        return KERNELS;
    }

    public static ClampKernels scalarKernels() {
        return new ScalarClampKernels();
    }

    /** {@code y = clamp(x, min, max)}; {@code y} may be {@code x}. */
    public static void forward(Tensor x, float min, float max, Tensor y) {
        requireRange(min, max);
        MemorySegment xs = Activations.checked(x, "hardtanh: x");
        y.shape().requireEqual(x.shape(), "hardtanh: y");
        MemorySegment ys = Activations.checked(y, "hardtanh: y");
        TensorChecks.requireSameOrDisjoint(ys, "hardtanh: y", xs, "x");
        Activations.forEachChunk(x.elementCount(), (offset, count) -> KERNELS.forward(xs, ys, min, max, offset, count));
    }

    /** {@code dx = dy} where {@code min < x < max}, else 0; {@code dx} may be {@code dy}. */
    public static void backward(Tensor x, Tensor dy, float min, float max, Tensor dx) {
        requireRange(min, max);
        MemorySegment xs = Activations.checked(x, "hardtanh backward: x");
        dy.shape().requireEqual(x.shape(), "hardtanh backward: dy");
        dx.shape().requireEqual(x.shape(), "hardtanh backward: dx");
        MemorySegment dys = Activations.checked(dy, "hardtanh backward: dy");
        MemorySegment dxs = Activations.checked(dx, "hardtanh backward: dx");
        TensorChecks.requireSameOrDisjoint(dxs, "hardtanh backward: dx", dys, "dy");
        TensorChecks.requireDisjoint(dxs, "hardtanh backward: dx", xs, "x");
        Activations.forEachChunk(x.elementCount(),
                (offset, count) -> KERNELS.backward(xs, dys, dxs, min, max, offset, count));
    }

    private static void requireRange(float min, float max) {
        if (!(min <= max)) {
            throw new IllegalArgumentException("hardtanh: min (" + min + ") must not exceed max (" + max + ")");
        }
    }
}
