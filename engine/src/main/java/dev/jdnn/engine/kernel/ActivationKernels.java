package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;

/**
 * Element-wise kernels at segment level: activations forward and backward, sums and products, and the per-channel
 * affine map {@code y = x * scale[c] + shift[c]} (batch norm in inference form). Implementations neither check nor
 * start threads; {@link Activations} does both. {@code offset} and {@code count} are in elements (f32).
 *
 * <p>Unless a method says otherwise, an output may be the very same memory as one of the inputs (in place): every
 * element is read before it is written. Partially overlapping ranges are not supported.
 */
public interface ActivationKernels {

    /** {@code y[i] = f(x[i])} for {@code i} in {@code [offset, offset + count)}. */
    void forward(Activation f, MemorySegment x, MemorySegment y, long offset, long count);

    /**
     * {@code dx[i] = dy[i] * f'(x[i])} for {@code i} in {@code [offset, offset + count)}. Reads only {@code y} when
     * {@link Activation#gradientFromOutput()} and only {@code x} otherwise; the unread one may be {@code null}.
     */
    void backward(Activation f, MemorySegment x, MemorySegment y, MemorySegment dy, MemorySegment dx,
                  long offset, long count);

    /** {@code out[i] = a[i] + b[i]}. */
    void add(MemorySegment a, MemorySegment b, MemorySegment out, long offset, long count);

    /** {@code out[i] = a[i] * b[i]}. */
    void multiply(MemorySegment a, MemorySegment b, MemorySegment out, long offset, long count);

    /**
     * The gradients of {@code out = a * b}: {@code da[i] = dy[i] * b[i]}, {@code db[i] = dy[i] * a[i]}. Either output
     * may be {@code null} (not wanted).
     */
    void multiplyBackward(MemorySegment a, MemorySegment b, MemorySegment dy, MemorySegment da, MemorySegment db,
                          long offset, long count);

    /**
     * {@code y = x * scale[c] + shift[c]} over planes {@code [firstPlane, firstPlane + planeCount)} of {@code x} seen
     * as {@code (N * C, planeSize)}, where plane {@code p} belongs to channel {@code p % channels}. A rank-2
     * {@code (N, C)} tensor is the case {@code planeSize == 1}.
     *
     * @param x     {@code (N, C, planeSize)}
     * @param scale {@code (C)}
     * @param shift {@code (C)}
     * @param y     {@code (N, C, planeSize)}, may be {@code x}
     */
    void scaleShift(MemorySegment x, MemorySegment scale, MemorySegment shift, MemorySegment y,
                    long firstPlane, long planeCount, int channels, long planeSize);

    /**
     * The gradients of {@link #scaleShift} for channels {@code [firstChannel, firstChannel + channelCount)}:
     * {@code dx = dy * scale[c]}, {@code dscale[c] = Σ dy * x} and {@code dshift[c] = Σ dy}, sums over the batch and
     * the plane. {@code dscale} and {@code dshift} are overwritten, not accumulated into. {@code dx} may be {@code dy}
     * or {@code x}.
     *
     * @param x      {@code (N, C, planeSize)}
     * @param scale  {@code (C)}
     * @param dy     {@code (N, C, planeSize)}
     * @param dx     {@code (N, C, planeSize)}
     * @param dscale {@code (C)}
     * @param dshift {@code (C)}
     */
    void scaleShiftBackward(MemorySegment x, MemorySegment scale, MemorySegment dy, MemorySegment dx,
                            MemorySegment dscale, MemorySegment dshift, int firstChannel, int channelCount,
                            int batch, int channels, long planeSize);
}
