package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;

/**
 * {@code hardtanh}: clamping to {@code [min, max]} (ReLU6 is {@code [0, 6]}) and its gradient, at segment level.
 * Offsets and counts in elements; no checks, no threads ({@link Clamp} does both). A NaN input stays NaN forward and
 * passes no gradient, as PyTorch's {@code hardtanh} and {@code hardtanh_backward}.
 */
public interface ClampKernels {

    /** {@code y[i] = x[i] < min ? min : x[i] > max ? max : x[i]}. */
    void forward(MemorySegment x, MemorySegment y, float min, float max, long offset, long count);

    /** {@code dx[i] = min < x[i] < max ? dy[i] : 0}. */
    void backward(MemorySegment x, MemorySegment dy, MemorySegment dx, float min, float max, long offset, long count);
}
