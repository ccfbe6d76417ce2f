package dev.jdnn.engine.kernel;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;

/**
 * LRN in plain float loops. Each window's sum of squares is summed afresh (not slid from the previous channel's by
 * adding one square and subtracting another), so its rounding error depends on the window, not on the channel count;
 * the power runs in double.
 */
final class ScalarLrnKernels implements LrnKernels {

    @Override
    public void forward(MemorySegment x, MemorySegment y, long imageOffset, // (C, H·W) each
                        int channels, int planeSize, int pixelFrom, int pixelCount,
                        int before, int after, float alphaOverSize, float beta, float k) {
        for (int c = 0; c < channels; c++) {
            int first = Math.max(0, c - before);
            int last = Math.min(channels - 1, c + after);
            long row = imageOffset + (long) c * planeSize + pixelFrom;
            for (int p = 0; p < pixelCount; p++) {
                float s = k + alphaOverSize * sumOfSquares(x, imageOffset + pixelFrom + p, planeSize, first, last);
                y.setAtIndex(JAVA_FLOAT, row + p, x.getAtIndex(JAVA_FLOAT, row + p) * negativePower(s, beta));
            }
        }
    }

    @Override
    public void backward(MemorySegment x, MemorySegment dy, MemorySegment dx, long imageOffset, // (C, H·W) each
                         int channels, int planeSize, int pixelFrom, int pixelCount,
                         int before, int after, float alphaOverSize, float beta, float k,
                         float[] scratch) { // (C, pixelCount)
        // Pass 1, per channel j: dx_j = dy_j · s_j^-beta (the direct term),
        // and scratch_j = dy_j · x_j · s_j^-beta / s_j.
        for (int j = 0; j < channels; j++) {
            int first = Math.max(0, j - before);
            int last = Math.min(channels - 1, j + after);
            long row = imageOffset + (long) j * planeSize + pixelFrom;
            for (int p = 0; p < pixelCount; p++) {
                float s = k + alphaOverSize * sumOfSquares(x, imageOffset + pixelFrom + p, planeSize, first, last);
                float scale = negativePower(s, beta);
                float g = dy.getAtIndex(JAVA_FLOAT, row + p) * scale;
                dx.setAtIndex(JAVA_FLOAT, row + p, g);
                scratch[j * pixelCount + p] = g * x.getAtIndex(JAVA_FLOAT, row + p) / s;
            }
        }
        // Pass 2: channel c is in window(j) for j in [c - after, c + before].
        float factor = 2 * alphaOverSize * beta;
        for (int c = 0; c < channels; c++) {
            int first = Math.max(0, c - after);
            int last = Math.min(channels - 1, c + before);
            long row = imageOffset + (long) c * planeSize + pixelFrom;
            for (int p = 0; p < pixelCount; p++) {
                float sum = 0f;
                for (int j = first; j <= last; j++) {
                    sum += scratch[j * pixelCount + p];
                }
                dx.setAtIndex(JAVA_FLOAT, row + p,
                        dx.getAtIndex(JAVA_FLOAT, row + p) - factor * x.getAtIndex(JAVA_FLOAT, row + p) * sum);
            }
        }
    }

    private static float sumOfSquares(MemorySegment x, long pixel, int planeSize, int first, int last) {
        float sum = 0f;
        for (int c = first; c <= last; c++) {
            float v = x.getAtIndex(JAVA_FLOAT, pixel + (long) c * planeSize);
            sum += v * v;
        }
        return sum;
    }

    /** {@code s^-beta}, computed in double and rounded once. */
    static float negativePower(float s, float beta) {
        return (float) Math.pow(s, -beta);
    }
}
