package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;

/**
 * Pooling over {@code planes} consecutive (H, W) planes of f32 NCHW tensors, at segment level: element offsets say where
 * the first plane starts; no checks, no threads ({@link Pooling} does both). Windows follow PyTorch: padding never wins
 * a max and counts in an average only with {@code countIncludePad}; backward passes overwrite their {@code dx} planes.
 */
public interface PoolingKernels {

    /**
     * The plain-loop implementation: what runs without the Vector API, and what a vector implementation delegates to
     * for the operations it does not vectorize.
     */
    static PoolingKernels scalar() {
        return new ScalarPoolingKernels();
    }

    /**
     * Max pooling (with dilation). Writes the maximum of each window, or the window's last NaN if it holds any, and,
     * when {@code indices} is not {@code null}, the flat in-plane position of that element (the first of equal
     * maxima; {@code -1} for a window without input elements, whose output is {@code -infinity}).
     */
    void maxPool2dForward(MemorySegment x, long xOffset, // (planes, H, W)
                          int planes, int height, int width, Window2d window,
                          MemorySegment y, long yOffset, // (planes, OH, OW)
                          int outputHeight, int outputWidth,
                          MemorySegment indices, long indicesOffset); // (planes, OH, OW) ints, or null

    /**
     * Max pooling's backward pass: zeroes the {@code dx} planes, then adds each {@code dy} element at its index, in
     * ascending output order within a plane (so overlapping windows sum in a fixed order); index {@code -1} is skipped.
     */
    void maxPool2dBackward(MemorySegment dy, long dyOffset, // (planes, OH, OW)
                           MemorySegment indices, long indicesOffset, // (planes, OH, OW) ints
                           int planes, int outputPlaneSize,
                           MemorySegment dx, long dxOffset, // (planes, H, W)
                           int inputPlaneSize);

    /** Average pooling (no dilation) with PyTorch's divisor. */
    void avgPool2dForward(MemorySegment x, long xOffset, // (planes, H, W)
                          int planes, int height, int width, Window2d window, boolean countIncludePad,
                          MemorySegment y, long yOffset, // (planes, OH, OW)
                          int outputHeight, int outputWidth);

    /** Average pooling's backward pass: overwrites {@code dx} with the sum over windows of {@code dy / divisor}. */
    void avgPool2dBackward(MemorySegment dy, long dyOffset, // (planes, OH, OW)
                           int planes, int outputHeight, int outputWidth, Window2d window, boolean countIncludePad,
                           MemorySegment dx, long dxOffset, // (planes, H, W)
                           int height, int width);

    /** The mean of each plane of {@code planeSize} elements. */
    void globalAvgPool2dForward(MemorySegment x, long xOffset, // (planes, H * W)
                                int planes, int planeSize,
                                MemorySegment y, long yOffset); // (planes)

    /** Sets every element of plane {@code p} of {@code dx} to {@code dy[p] / planeSize}. */
    void globalAvgPool2dBackward(MemorySegment dy, long dyOffset, // (planes)
                                 int planes, int planeSize,
                                 MemorySegment dx, long dxOffset); // (planes, H * W)
}
