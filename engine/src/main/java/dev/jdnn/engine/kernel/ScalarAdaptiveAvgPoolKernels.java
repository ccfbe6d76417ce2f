package dev.jdnn.engine.kernel;

import static dev.jdnn.engine.kernel.AdaptiveAvgPoolKernels.windowEnd;
import static dev.jdnn.engine.kernel.AdaptiveAvgPoolKernels.windowStart;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;

/** The scalar adaptive average pooling: window sums row by row in f32, one division each. */
final class ScalarAdaptiveAvgPoolKernels implements AdaptiveAvgPoolKernels {

    @Override
    public void forward(MemorySegment x, long xOffset, int planes, int height, int width,
                        MemorySegment y, long yOffset, int outputHeight, int outputWidth) {
        long inputPlane = (long) height * width;
        long outputPlane = (long) outputHeight * outputWidth;
        for (int plane = 0; plane < planes; plane++) {
            long xPlane = xOffset + plane * inputPlane;
            long yPlane = yOffset + plane * outputPlane;
            for (int oh = 0; oh < outputHeight; oh++) {
                int h0 = windowStart(oh, height, outputHeight);
                int h1 = windowEnd(oh, height, outputHeight);
                for (int ow = 0; ow < outputWidth; ow++) {
                    int w0 = windowStart(ow, width, outputWidth);
                    int w1 = windowEnd(ow, width, outputWidth);
                    float sum = 0f;
                    for (int h = h0; h < h1; h++) {
                        long row = xPlane + (long) h * width;
                        for (int w = w0; w < w1; w++) {
                            sum += x.getAtIndex(JAVA_FLOAT, row + w);
                        }
                    }
                    int count = (h1 - h0) * (w1 - w0);
                    y.setAtIndex(JAVA_FLOAT, yPlane + (long) oh * outputWidth + ow, sum / count);
                }
            }
        }
    }

    @Override
    public void backward(MemorySegment dy, long dyOffset, int planes, int outputHeight, int outputWidth,
                         MemorySegment dx, long dxOffset, int height, int width) {
        long inputPlane = (long) height * width;
        long outputPlane = (long) outputHeight * outputWidth;
        dx.asSlice(dxOffset * Float.BYTES, planes * inputPlane * Float.BYTES).fill((byte) 0);
        for (int plane = 0; plane < planes; plane++) {
            long dxPlane = dxOffset + plane * inputPlane;
            long dyPlane = dyOffset + plane * outputPlane;
            for (int oh = 0; oh < outputHeight; oh++) {
                int h0 = windowStart(oh, height, outputHeight);
                int h1 = windowEnd(oh, height, outputHeight);
                for (int ow = 0; ow < outputWidth; ow++) {
                    int w0 = windowStart(ow, width, outputWidth);
                    int w1 = windowEnd(ow, width, outputWidth);
                    int count = (h1 - h0) * (w1 - w0);
                    float share = dy.getAtIndex(JAVA_FLOAT, dyPlane + (long) oh * outputWidth + ow) / count;
                    for (int h = h0; h < h1; h++) {
                        long row = dxPlane + (long) h * width;
                        for (int w = w0; w < w1; w++) {
                            dx.setAtIndex(JAVA_FLOAT, row + w, dx.getAtIndex(JAVA_FLOAT, row + w) + share);
                        }
                    }
                }
            }
        }
    }
}
