package dev.jdnn.engine.kernel;

import dev.jdnn.engine.parallel.Parallel;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Writes a convolution's output from the GEMM result over {@link ShiftedColumns}' columns: drops the columns between
 * output rows, adds the previous output (sum post-op) and the bias, applies ReLU, in one pass split over channels
 * with {@link Parallel}. See {@link ConvOutputKernels} for the exact arithmetic.
 */
public final class ConvOutput {

    private static final ConvOutputKernels KERNELS =
            Vectorization.load(ConvOutputKernels.class, "SimdConvOutputKernels", ScalarConvOutputKernels::new);
    /** Output elements per parallel task, at least. */
    private static final long TASK_ELEMENTS = 1 << 14;

    private ConvOutput() {
    }

    /** The kernels in use (Vector API when available). */
    public static ConvOutputKernels preferredKernels() {
        return KERNELS;
    }

    /** The kernels that run without the Vector API (the reference of the tests). */
    public static ConvOutputKernels scalarKernels() {
        return new ScalarConvOutputKernels();
    }

    /**
     * {@code y[ch, oh, ow] = relu?((c[ch·cChannelStride + oh·cRowStride + ow] + y_old?) + bias[ch])} for
     * {@code channels × outHeight × outWidth} outputs; offsets in elements. Checks that every operand lies inside its
     * segment.
     */
    public static void store(MemorySegment c, long cOffset, long cChannelStride, long cRowStride,
                             MemorySegment bias, long biasOffset, boolean accumulate, boolean relu,
                             MemorySegment y, long yOffset, int channels, int outHeight, int outWidth) {
        Objects.requireNonNull(c, "conv2d output: c");
        Objects.requireNonNull(y, "conv2d output: y");
        if (channels <= 0 || outHeight <= 0 || outWidth <= 0 || cRowStride < outWidth
                || cChannelStride < (outHeight - 1) * cRowStride + outWidth) {
            throw new IllegalArgumentException("conv2d output: " + channels + " channels of " + outHeight + " × "
                    + outWidth + " do not fit rows " + cRowStride + " and channels " + cChannelStride + " apart");
        }
        requireInside(c, cOffset + (channels - 1) * cChannelStride + (outHeight - 1) * cRowStride + outWidth, "c");
        requireInside(y, yOffset + (long) channels * outHeight * outWidth, "y");
        if (bias != null) {
            requireInside(bias, biasOffset + channels, "bias");
        }
        long plane = (long) outHeight * outWidth;
        int channelsPerTask = (int) Math.max(1, Math.min(channels, TASK_ELEMENTS / plane));
        Parallel.forEach(Math.ceilDiv(channels, channelsPerTask), (task, worker) -> {
            int first = task * channelsPerTask;
            int count = Math.min(channelsPerTask, channels - first);
            KERNELS.store(c, cOffset + first * cChannelStride, cChannelStride, cRowStride, bias, biasOffset + first,
                    accumulate, relu, y, yOffset + first * plane, count, outHeight, outWidth);
        });
    }

    private static void requireInside(MemorySegment segment, long endElement, String name) {
        if (endElement > segment.byteSize() / Float.BYTES) {
            throw new IllegalArgumentException("conv2d output: " + name + " needs " + endElement
                    + " floats but its memory holds " + segment.byteSize() / Float.BYTES);
        }
    }
}
