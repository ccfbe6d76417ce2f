package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;

/**
 * Reductions at segment level. Implementations neither check nor start threads; {@link Reductions} does both.
 * Offsets and counts are in elements (f32).
 */
public interface ReductionKernels {

    /**
     * {@code sums[c] = Σ x[n, c, p]} over the batch and the plane, for channels
     * {@code [firstChannel, firstChannel + channelCount)}: f32 within a plane, double across planes, one rounding to
     * f32 at the end. {@code sums} is overwritten, not accumulated into.
     *
     * @param x    {@code (N, C, planeSize)}
     * @param sums {@code (C)}
     */
    void channelSum(MemorySegment x, MemorySegment sums, int firstChannel, int channelCount, int batch, int channels,
                    long planeSize);
}
