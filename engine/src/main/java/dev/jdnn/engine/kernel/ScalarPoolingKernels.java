package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Pooling in plain float loops. Each output clips its window to the input once (per row and per column), so the inner
 * loops run without bounds tests; this is the whole of windowed pooling, in both implementations.
 */
final class ScalarPoolingKernels implements PoolingKernels {

    @Override
    public void maxPool2dForward(MemorySegment x, long xOffset, // (planes, H, W)
                                 int planes, int height, int width, Window2d window,
                                 MemorySegment y, long yOffset, // (planes, OH, OW)
                                 int outputHeight, int outputWidth,
                                 MemorySegment indices, long indicesOffset) { // (planes, OH, OW) ints, or null
        int dilationH = window.dilationH();
        int dilationW = window.dilationW();
        int spanH = (window.kernelH() - 1) * dilationH + 1;
        int spanW = (window.kernelW() - 1) * dilationW + 1;
        long inputPlaneSize = (long) height * width;
        long outputPlaneSize = (long) outputHeight * outputWidth;
        for (int plane = 0; plane < planes; plane++) {
            long xPlane = xOffset + plane * inputPlaneSize;
            long yIndex = yOffset + plane * outputPlaneSize;
            long indicesIndex = indicesOffset + plane * outputPlaneSize;
            for (int oh = 0; oh < outputHeight; oh++) {
                int windowTop = oh * window.strideH() - window.padH();
                int hEnd = Math.min(windowTop + spanH, height);
                int hStart = firstTapInside(windowTop, dilationH);
                for (int ow = 0; ow < outputWidth; ow++, yIndex++, indicesIndex++) {
                    int windowLeft = ow * window.strideW() - window.padW();
                    int wEnd = Math.min(windowLeft + spanW, width);
                    int wStart = firstTapInside(windowLeft, dilationW);
                    // PyTorch: padding is -infinity, never selected; ties keep the first; any NaN wins (the last one).
                    float max = Float.NEGATIVE_INFINITY;
                    long maxPosition = hStart < hEnd && wStart < wEnd ? (long) hStart * width + wStart : -1;
                    for (int ih = hStart; ih < hEnd; ih += dilationH) {
                        long rowPosition = (long) ih * width;
                        for (int iw = wStart; iw < wEnd; iw += dilationW) {
                            float value = x.getAtIndex(JAVA_FLOAT, xPlane + rowPosition + iw);
                            if (value > max || value != value) {
                                max = value;
                                maxPosition = rowPosition + iw;
                            }
                        }
                    }
                    y.setAtIndex(JAVA_FLOAT, yIndex, max);
                    if (indices != null) {
                        indices.setAtIndex(JAVA_INT, indicesIndex, (int) maxPosition);
                    }
                }
            }
        }
    }

    /** The first tap of a window starting at {@code start} that is not in the leading padding. */
    private static int firstTapInside(int start, int dilation) {
        return start >= 0 ? start : start + Math.ceilDiv(-start, dilation) * dilation;
    }

    @Override
    public void maxPool2dBackward(MemorySegment dy, long dyOffset, // (planes, OH, OW)
                                  MemorySegment indices, long indicesOffset, // (planes, OH, OW) ints
                                  int planes, int outputPlaneSize,
                                  MemorySegment dx, long dxOffset, // (planes, H, W)
                                  int inputPlaneSize) {
        dx.asSlice(dxOffset * Float.BYTES, (long) planes * inputPlaneSize * Float.BYTES).fill((byte) 0);
        for (int plane = 0; plane < planes; plane++) {
            long dxPlane = dxOffset + (long) plane * inputPlaneSize;
            long dyPlane = dyOffset + (long) plane * outputPlaneSize;
            long indicesPlane = indicesOffset + (long) plane * outputPlaneSize;
            for (int o = 0; o < outputPlaneSize; o++) {
                int position = indices.getAtIndex(JAVA_INT, indicesPlane + o);
                if (position >= 0) {
                    long dxIndex = dxPlane + position;
                    dx.setAtIndex(JAVA_FLOAT, dxIndex,
                            dx.getAtIndex(JAVA_FLOAT, dxIndex) + dy.getAtIndex(JAVA_FLOAT, dyPlane + o));
                }
            }
        }
    }

    @Override
    public void avgPool2dForward(MemorySegment x, long xOffset, // (planes, H, W)
                                 int planes, int height, int width, Window2d window, boolean countIncludePad,
                                 MemorySegment y, long yOffset, // (planes, OH, OW)
                                 int outputHeight, int outputWidth) {
        long inputPlaneSize = (long) height * width;
        long outputPlaneSize = (long) outputHeight * outputWidth;
        for (int plane = 0; plane < planes; plane++) {
            long xPlane = xOffset + plane * inputPlaneSize;
            long yIndex = yOffset + plane * outputPlaneSize;
            for (int oh = 0; oh < outputHeight; oh++) {
                // PyTorch's divisor: with padding counted, the window clipped to the padded input (before clipping to
                // the input itself, which matters for a ceil-mode window that runs past the padding); without, the
                // number of input elements in it.
                int hStart = oh * window.strideH() - window.padH();
                int hEnd = Math.min(hStart + window.kernelH(), height + window.padH());
                int paddedRows = hEnd - hStart;
                hStart = Math.max(hStart, 0);
                hEnd = Math.min(hEnd, height);
                for (int ow = 0; ow < outputWidth; ow++, yIndex++) {
                    int wStart = ow * window.strideW() - window.padW();
                    int wEnd = Math.min(wStart + window.kernelW(), width + window.padW());
                    int paddedColumns = wEnd - wStart;
                    wStart = Math.max(wStart, 0);
                    wEnd = Math.min(wEnd, width);
                    if (hStart >= hEnd || wStart >= wEnd) {
                        y.setAtIndex(JAVA_FLOAT, yIndex, 0f); // PyTorch's value for a window without input elements
                        continue;
                    }
                    float sum = 0f;
                    for (int ih = hStart; ih < hEnd; ih++) {
                        long rowIndex = xPlane + (long) ih * width;
                        for (int iw = wStart; iw < wEnd; iw++) {
                            sum += x.getAtIndex(JAVA_FLOAT, rowIndex + iw);
                        }
                    }
                    int divisor = countIncludePad ? paddedRows * paddedColumns : (hEnd - hStart) * (wEnd - wStart);
                    y.setAtIndex(JAVA_FLOAT, yIndex, sum / divisor);
                }
            }
        }
    }

    @Override
    public void avgPool2dBackward(MemorySegment dy, long dyOffset, // (planes, OH, OW)
                                  int planes, int outputHeight, int outputWidth, Window2d window,
                                  boolean countIncludePad,
                                  MemorySegment dx, long dxOffset, // (planes, H, W)
                                  int height, int width) {
        long inputPlaneSize = (long) height * width;
        long outputPlaneSize = (long) outputHeight * outputWidth;
        dx.asSlice(dxOffset * Float.BYTES, planes * inputPlaneSize * Float.BYTES).fill((byte) 0);
        for (int plane = 0; plane < planes; plane++) {
            long dxPlane = dxOffset + plane * inputPlaneSize;
            long dyIndex = dyOffset + plane * outputPlaneSize;
            for (int oh = 0; oh < outputHeight; oh++) {
                int hStart = oh * window.strideH() - window.padH();
                int hEnd = Math.min(hStart + window.kernelH(), height + window.padH());
                int paddedRows = hEnd - hStart;
                hStart = Math.max(hStart, 0);
                hEnd = Math.min(hEnd, height);
                for (int ow = 0; ow < outputWidth; ow++, dyIndex++) {
                    int wStart = ow * window.strideW() - window.padW();
                    int wEnd = Math.min(wStart + window.kernelW(), width + window.padW());
                    int paddedColumns = wEnd - wStart;
                    wStart = Math.max(wStart, 0);
                    wEnd = Math.min(wEnd, width);
                    if (hStart >= hEnd || wStart >= wEnd) {
                        continue;
                    }
                    int divisor = countIncludePad ? paddedRows * paddedColumns : (hEnd - hStart) * (wEnd - wStart);
                    float share = dy.getAtIndex(JAVA_FLOAT, dyIndex) / divisor;
                    for (int ih = hStart; ih < hEnd; ih++) {
                        long rowIndex = dxPlane + (long) ih * width;
                        for (int iw = wStart; iw < wEnd; iw++) {
                            dx.setAtIndex(JAVA_FLOAT, rowIndex + iw, dx.getAtIndex(JAVA_FLOAT, rowIndex + iw) + share);
                        }
                    }
                }
            }
        }
    }

    @Override
    public void globalAvgPool2dForward(MemorySegment x, long xOffset, // (planes, H * W)
                                       int planes, int planeSize,
                                       MemorySegment y, long yOffset) { // (planes)
        for (int plane = 0; plane < planes; plane++) {
            long xPlane = xOffset + (long) plane * planeSize;
            float sum = 0f;
            for (int i = 0; i < planeSize; i++) {
                sum += x.getAtIndex(JAVA_FLOAT, xPlane + i);
            }
            y.setAtIndex(JAVA_FLOAT, yOffset + plane, sum / planeSize);
        }
    }

    @Override
    public void globalAvgPool2dBackward(MemorySegment dy, long dyOffset, // (planes)
                                        int planes, int planeSize,
                                        MemorySegment dx, long dxOffset) { // (planes, H * W)
        for (int plane = 0; plane < planes; plane++) {
            float share = dy.getAtIndex(JAVA_FLOAT, dyOffset + plane) / planeSize;
            long dxPlane = dxOffset + (long) plane * planeSize;
            for (int i = 0; i < planeSize; i++) {
                dx.setAtIndex(JAVA_FLOAT, dxPlane + i, share);
            }
        }
    }
}
