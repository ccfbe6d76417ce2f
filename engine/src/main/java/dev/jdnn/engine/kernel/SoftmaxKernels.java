package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;

/**
 * Softmax and log-softmax along axis 1 at segment level. Every method sees its tensors as {@code (N, C, S)}, with
 * {@code S = H * W} ({@code 1} for an {@code (N, C)} tensor), so that the channels of one position lie {@code S}
 * elements apart, and works on items {@code [firstItem, firstItem + itemCount)} and, within each, on positions
 * {@code [spatialFrom, spatialFrom + spatialCount)}. No checks, no threads: {@link Softmax} does both.
 *
 * <p>Every output may be the very same memory as one of the inputs (in place).
 */
public interface SoftmaxKernels {

    /** {@code y = exp(x - max) / Σ exp(x - max)} over the channels of each position. */
    void softmax(MemorySegment x, MemorySegment y, int firstItem, int itemCount, int channels, long spatial,
                 long spatialFrom, long spatialCount);

    /** {@code y = (x - max) - log Σ exp(x - max)} over the channels of each position. */
    void logSoftmax(MemorySegment x, MemorySegment y, int firstItem, int itemCount, int channels, long spatial,
                    long spatialFrom, long spatialCount);

    /** {@code dx = y * (dy - Σ dy * y)}, given the softmax output {@code y}. */
    void softmaxBackward(MemorySegment y, MemorySegment dy, MemorySegment dx, int firstItem, int itemCount,
                         int channels, long spatial, long spatialFrom, long spatialCount);

    /** {@code dx = dy - exp(y) * Σ dy}, given the log-softmax output {@code y}. */
    void logSoftmaxBackward(MemorySegment y, MemorySegment dy, MemorySegment dx, int firstItem, int itemCount,
                            int channels, long spatial, long spatialFrom, long spatialCount);
}
