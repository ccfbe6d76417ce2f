package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;

/**
 * The epilogue of a convolution computed on {@link ShiftedColumns}: from the GEMM's result {@code c} (channel rows
 * {@code cChannelStride} apart, output row {@code oh} of a channel at {@code oh · cRowStride}) to the dense output
 * {@code y} {@code (channels, outHeight, outWidth)}, adding the previous output (a sum post-op) and the bias and
 * applying ReLU on the way: {@code y = relu?((c + y_old?) + bias[ch])}, in that order. Offsets count elements (f32). No
 * checks and no threads: {@link ConvOutput} does both.
 */
public interface ConvOutputKernels {

    /**
     * @param bias       {@code (channels)} from {@code biasOffset}, or {@code null} for none
     * @param accumulate add the value {@code y} holds before the call
     * @param relu       values {@code <= 0} become 0 (NaNs stay) as the last step, as {@link Activations}' ReLU
     */
    void store(MemorySegment c, long cOffset, long cChannelStride, long cRowStride,
               MemorySegment bias, long biasOffset, boolean accumulate, boolean relu,
               MemorySegment y, long yOffset, int channels, int outHeight, int outWidth);
}
