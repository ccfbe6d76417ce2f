package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;

/**
 * Adaptive average pooling over {@code planes} consecutive planes of f32 NCHW tensors, at segment level, with
 * PyTorch's windows: output row {@code i} of {@code OH} averages input rows {@code [floor(i·H/OH), ceil((i+1)·H/OH))},
 * and the same for columns. Windows may overlap (when OH does not divide H) and never are empty. Element offsets say
 * where the first plane starts; no checks, no threads ({@link AdaptiveAvgPool2d} does both).
 */
public interface AdaptiveAvgPoolKernels {

    /**
     * The plain-loop implementation: what runs without the Vector API, and what the vector implementation delegates to
     * for windows smaller than a plane.
     */
    static AdaptiveAvgPoolKernels scalar() {
        return new ScalarAdaptiveAvgPoolKernels();
    }

    /** Each output is its window's f32 sum (in any order) divided once by the window's element count. */
    void forward(MemorySegment x, long xOffset, // (planes, H, W)
                 int planes, int height, int width,
                 MemorySegment y, long yOffset, // (planes, OH, OW)
                 int outputHeight, int outputWidth);

    /**
     * Overwrites {@code dx}: each element gets {@code Σ dy / count} over the windows that hold it, each share rounded
     * once, added in ascending output order (so overlapping windows give a deterministic result).
     */
    void backward(MemorySegment dy, long dyOffset, // (planes, OH, OW)
                  int planes, int outputHeight, int outputWidth,
                  MemorySegment dx, long dxOffset, // (planes, H, W)
                  int height, int width);

    /** First input index of output {@code index}'s window: {@code floor(index · size / outputSize)}. */
    static int windowStart(int index, int size, int outputSize) {
        return (int) ((long) index * size / outputSize);
    }

    /** One past the last input index of output {@code index}'s window: {@code ceil((index + 1) · size / outputSize)}. */
    static int windowEnd(int index, int size, int outputSize) {
        return (int) ((((long) index + 1) * size + outputSize - 1) / outputSize);
    }
}
