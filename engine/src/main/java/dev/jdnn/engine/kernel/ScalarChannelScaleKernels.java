package dev.jdnn.engine.kernel;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;

/** The scalar broadcast multiply: what runs without the Vector API, and the twin the vector kernels are tested beside. */
final class ScalarChannelScaleKernels implements ChannelScaleKernels {

    @Override
    public void forward(MemorySegment x, MemorySegment scales, MemorySegment y, long firstPlane, long planeCount,
                        long planeSize) {
        for (long plane = firstPlane, end = firstPlane + planeCount; plane < end; plane++) {
            float scale = scales.getAtIndex(JAVA_FLOAT, plane);
            for (long i = plane * planeSize, planeEnd = i + planeSize; i < planeEnd; i++) {
                y.setAtIndex(JAVA_FLOAT, i, x.getAtIndex(JAVA_FLOAT, i) * scale);
            }
        }
    }

    @Override
    public void forwardChannelsLast(MemorySegment x, MemorySegment scales, MemorySegment y, long firstRow,
                                    long rowCount, int channels, long rowsPerImage) {
        for (long row = firstRow, end = firstRow + rowCount; row < end; row++) {
            long scaleStart = row / rowsPerImage * channels;
            for (int c = 0; c < channels; c++) {
                long i = row * channels + c;
                y.setAtIndex(JAVA_FLOAT, i, x.getAtIndex(JAVA_FLOAT, i) * scales.getAtIndex(JAVA_FLOAT, scaleStart + c));
            }
        }
    }

    @Override
    public void backward(MemorySegment x, MemorySegment scales, MemorySegment dy, MemorySegment dx,
                         MemorySegment dscales, long firstPlane, long planeCount, long planeSize) {
        for (long plane = firstPlane, end = firstPlane + planeCount; plane < end; plane++) {
            float scale = dx == null ? 0f : scales.getAtIndex(JAVA_FLOAT, plane);
            float sum = 0f;
            for (long i = plane * planeSize, planeEnd = i + planeSize; i < planeEnd; i++) {
                float gradient = dy.getAtIndex(JAVA_FLOAT, i);
                if (dscales != null) {
                    sum = Math.fma(gradient, x.getAtIndex(JAVA_FLOAT, i), sum);
                }
                if (dx != null) {
                    dx.setAtIndex(JAVA_FLOAT, i, gradient * scale);
                }
            }
            if (dscales != null) {
                dscales.setAtIndex(JAVA_FLOAT, plane, sum);
            }
        }
    }
}
