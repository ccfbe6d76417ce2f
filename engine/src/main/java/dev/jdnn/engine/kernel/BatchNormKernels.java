package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;

/**
 * Batch normalization at segment level, on tensors seen as {@code (N, C, planeSize)} with per-channel {@code (C)}
 * vectors. No checks, no threads: {@link BatchNorm} does both. Statistics and gradients are per channel, over its
 * {@code N} planes; each is summed in f32 within a plane and in double across planes, so an error bound is a reduction
 * bound over at most one plane plus a negligible one for the double total.
 */
public interface BatchNormKernels {

    /**
     * Mean and biased variance (divided by {@code N·planeSize}) of channels
     * {@code [firstChannel, firstChannel + channelCount)}, written to {@code mean} and {@code variance}. Two passes,
     * so no cancellation: the mean first, then the deviations from it (corrected two-pass: the deviations' own sum
     * refines the mean, and the variance is {@code (Σd² - (Σd)²/L)/L}).
     */
    void statistics(MemorySegment x, MemorySegment mean, MemorySegment variance, int firstChannel, int channelCount,
                    int batch, int channels, long planeSize);

    /**
     * {@code y = (x - mean[c]) * scale[c] + bias[c]} with {@code scale[c] = weight[c] / sqrt(variance[c] + epsilon)}
     * (computed in double, rounded once) for planes {@code [firstPlane, firstPlane + planeCount)}, plane {@code p}
     * being channel {@code p % channels}. The subtraction comes first: a common offset of the data cancels exactly
     * instead of leaving the rounding error of {@code x * scale} behind. {@code y} may be {@code x} (in place).
     */
    void normalize(MemorySegment x, MemorySegment mean, MemorySegment variance, MemorySegment weight,
                   MemorySegment bias, double epsilon, MemorySegment y, long firstPlane, long planeCount, int channels,
                   long planeSize);

    /**
     * The training-mode gradients of channels {@code [firstChannel, firstChannel + channelCount)}:
     * {@code dbias = Σ dy}, {@code dweight = Σ dy·x̂} and
     * {@code dx = weight/σ · (dy - mean(dy) - x̂·mean(dy·x̂))}, {@code σ = sqrt(variance + epsilon)},
     * {@code x̂ = (x - mean)/σ}. One pass for both sums, one for {@code dx}; outputs overwritten, none may overlap an
     * input.
     */
    void backward(MemorySegment x, MemorySegment dy, MemorySegment mean, MemorySegment variance, MemorySegment weight,
                  double epsilon, MemorySegment dx, MemorySegment dweight, MemorySegment dbias, int firstChannel,
                  int channelCount, int batch, int channels, long planeSize);
}
