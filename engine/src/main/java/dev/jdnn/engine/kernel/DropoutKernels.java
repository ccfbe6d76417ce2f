package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;

/**
 * Dropout at segment level, over elements {@code [offset, offset + count)} with {@code offset} a multiple of 64, so
 * that each call owns whole words of the mask (see {@link DropoutMask} for its layout). The multiplier of element
 * {@code i} is {@code noise = kept ? scale : 0}, and every output is one f32 product, as PyTorch's
 * {@code x * noise}: the twins agree bit for bit, and a dropped infinity or NaN gives NaN, as there. An output may be
 * the very memory of its input. No checks, no threads: {@link Dropout} does both.
 */
public interface DropoutKernels {

    /**
     * Draws the keep bits with {@link DropoutRandom#keepBits}{@code (key, threshold, ...)}, stores them in
     * {@code mask}, and writes {@code y = x · noise}.
     *
     * @param x    {@code (elements)}
     * @param y    {@code (elements)}
     * @param mask {@code (ceil(elements / 64))} longs
     */
    void forward(MemorySegment x, MemorySegment y, MemorySegment mask, long key, long threshold, float scale,
                 long offset, long count);

    /** {@code dx = dy · noise}, the noise from the bits in {@code mask}. */
    void backward(MemorySegment dy, MemorySegment mask, MemorySegment dx, float scale, long offset, long count);
}
