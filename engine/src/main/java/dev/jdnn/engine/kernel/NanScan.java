package dev.jdnn.engine.kernel;

import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Where the first NaN of an f32 tensor is ({@link NanScanKernels}: {@link BitwiseNanScanKernels}, plain Java on
 * purpose), on the calling thread: an input scan is memory-bound and short (a 224×224 image is 150,528 values), so
 * splitting it over the workers would cost more than it saves. Allocates nothing.
 */
public final class NanScan {

    private static final NanScanKernels KERNELS = new BitwiseNanScanKernels();

    private NanScan() {
    }

    /** The kernels in use; {@link #scalarKernels()} is their reference. */
    public static NanScanKernels preferredKernels() {
        return KERNELS;
    }

    public static NanScanKernels scalarKernels() {
        return new ScalarNanScanKernels();
    }

    /** The flat index of the first NaN in {@code x} (contiguous, f32), or {@code -1} when there is none. */
    public static long firstNaN(Tensor x) {
        MemorySegment memory = Activations.checked(x, "nan scan: x");
        return KERNELS.firstNaN(memory, 0, x.elementCount());
    }
}
