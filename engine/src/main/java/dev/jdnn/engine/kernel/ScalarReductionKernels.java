package dev.jdnn.engine.kernel;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;

/** The scalar reductions: what runs without the Vector API, and the twin the vector kernels are tested beside. */
final class ScalarReductionKernels implements ReductionKernels {

    @Override
    public void channelSum(MemorySegment x, MemorySegment sums, int firstChannel, int channelCount, int batch,
                           int channels, long planeSize) {
        for (int channel = firstChannel; channel < firstChannel + channelCount; channel++) {
            // f32 within a plane, a double total across planes.
            double total = 0;
            for (int n = 0; n < batch; n++) {
                long start = ((long) n * channels + channel) * planeSize;
                float planeSum = 0f;
                for (long i = start, end = start + planeSize; i < end; i++) {
                    planeSum += x.getAtIndex(JAVA_FLOAT, i);
                }
                total += planeSum;
            }
            sums.setAtIndex(JAVA_FLOAT, channel, (float) total);
        }
    }
}
