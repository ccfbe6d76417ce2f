package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;

/**
 * Squeeze-and-excitation's broadcast multiply at segment level, over planes {@code [firstPlane, firstPlane +
 * planeCount)} of {@code N * C} planes of {@code planeSize} elements, with one scale per plane. No checks, no threads:
 * {@link ChannelScale} does both.
 *
 * <p>Element-wise results ({@code y}, {@code dx}) are one f32 product each, so twins agree bit for bit. The sums
 * {@code ds} accumulate in f32 with fused multiply-adds in an order each implementation chooses; any order stays
 * within the f32 bound γ(planeSize)·Σ|dy·x|. An output may be the very memory of an element-wise input (each element
 * is read before it is written).
 */
public interface ChannelScaleKernels {

    /**
     * {@code y[p, i] = x[p, i] · s[p]}.
     *
     * @param x      {@code (planes, planeSize)}
     * @param scales {@code (planes)}
     * @param y      {@code (planes, planeSize)}
     */
    void forward(MemorySegment x, MemorySegment scales, MemorySegment y, long firstPlane, long planeCount,
                 long planeSize);

    /**
     * The same product on channels-last data: {@code y[r, c] = x[r, c] · s[r / rowsPerImage, c]} for rows (pixels)
     * {@code [firstRow, firstRow + rowCount)} of {@code channels} elements, {@code rowsPerImage} rows per image.
     *
     * @param x      {@code (rows, channels)}: {@code (N, H, W, C)} flattened
     * @param scales {@code (N, channels)}
     * @param y      {@code (rows, channels)}
     */
    void forwardChannelsLast(MemorySegment x, MemorySegment scales, MemorySegment y, long firstRow, long rowCount,
                             int channels, long rowsPerImage);

    /**
     * {@code dx[p, i] = dy[p, i] · s[p]} unless {@code dx} is {@code null}; {@code ds[p] = Σ_i dy[p, i] · x[p, i]}
     * (overwritten) unless {@code dscales} is {@code null}.
     *
     * @param x       {@code (planes, planeSize)}, the forward input (unused, may be {@code null}, without ds)
     * @param scales  {@code (planes)} (unused, may be {@code null}, without dx)
     * @param dy      {@code (planes, planeSize)}
     * @param dx      {@code (planes, planeSize)} or {@code null}
     * @param dscales {@code (planes)} or {@code null}
     */
    void backward(MemorySegment x, MemorySegment scales, MemorySegment dy, MemorySegment dx, MemorySegment dscales,
                  long firstPlane, long planeCount, long planeSize);
}
