package dev.jdnn.engine.kernel;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;

/**
 * The scalar softmax kernels: one position at a time, three passes over its channels (max, exponentials and their
 * sum, normalization), f32 arithmetic with {@link Math#exp} and {@link Math#log} rounded to f32. A NaN anywhere among
 * a position's channels makes the max, and so every output of that position, NaN, as in PyTorch.
 */
final class ScalarSoftmaxKernels implements SoftmaxKernels {

    @Override
    public void softmax(MemorySegment x, MemorySegment y, int firstItem, int itemCount, int channels, long spatial,
                        long spatialFrom, long spatialCount) {
        for (int n = firstItem; n < firstItem + itemCount; n++) {
            for (long s = spatialFrom; s < spatialFrom + spatialCount; s++) {
                long base = (long) n * channels * spatial + s; // channel 0 of this position
                float max = max(x, base, channels, spatial);
                float sum = 0f;
                for (int c = 0; c < channels; c++) {
                    long i = base + c * spatial;
                    float e = (float) Math.exp(x.getAtIndex(JAVA_FLOAT, i) - max);
                    y.setAtIndex(JAVA_FLOAT, i, e);
                    sum += e;
                }
                for (int c = 0; c < channels; c++) {
                    long i = base + c * spatial;
                    y.setAtIndex(JAVA_FLOAT, i, y.getAtIndex(JAVA_FLOAT, i) / sum);
                }
            }
        }
    }

    @Override
    public void logSoftmax(MemorySegment x, MemorySegment y, int firstItem, int itemCount, int channels,
                           long spatial, long spatialFrom, long spatialCount) {
        for (int n = firstItem; n < firstItem + itemCount; n++) {
            for (long s = spatialFrom; s < spatialFrom + spatialCount; s++) {
                long base = (long) n * channels * spatial + s;
                float max = max(x, base, channels, spatial);
                float sum = 0f;
                for (int c = 0; c < channels; c++) {
                    sum += (float) Math.exp(x.getAtIndex(JAVA_FLOAT, base + c * spatial) - max);
                }
                float logSum = (float) Math.log(sum);
                for (int c = 0; c < channels; c++) {
                    long i = base + c * spatial;
                    y.setAtIndex(JAVA_FLOAT, i, (x.getAtIndex(JAVA_FLOAT, i) - max) - logSum);
                }
            }
        }
    }

    @Override
    public void softmaxBackward(MemorySegment y, MemorySegment dy, MemorySegment dx, int firstItem, int itemCount,
                                int channels, long spatial, long spatialFrom, long spatialCount) {
        for (int n = firstItem; n < firstItem + itemCount; n++) {
            for (long s = spatialFrom; s < spatialFrom + spatialCount; s++) {
                long base = (long) n * channels * spatial + s;
                float dot = 0f;
                for (int c = 0; c < channels; c++) {
                    long i = base + c * spatial;
                    dot += dy.getAtIndex(JAVA_FLOAT, i) * y.getAtIndex(JAVA_FLOAT, i);
                }
                for (int c = 0; c < channels; c++) {
                    long i = base + c * spatial;
                    dx.setAtIndex(JAVA_FLOAT, i, y.getAtIndex(JAVA_FLOAT, i) * (dy.getAtIndex(JAVA_FLOAT, i) - dot));
                }
            }
        }
    }

    @Override
    public void logSoftmaxBackward(MemorySegment y, MemorySegment dy, MemorySegment dx, int firstItem,
                                   int itemCount, int channels, long spatial, long spatialFrom, long spatialCount) {
        for (int n = firstItem; n < firstItem + itemCount; n++) {
            for (long s = spatialFrom; s < spatialFrom + spatialCount; s++) {
                long base = (long) n * channels * spatial + s;
                float sum = 0f;
                for (int c = 0; c < channels; c++) {
                    sum += dy.getAtIndex(JAVA_FLOAT, base + c * spatial);
                }
                for (int c = 0; c < channels; c++) {
                    long i = base + c * spatial;
                    float e = (float) Math.exp(y.getAtIndex(JAVA_FLOAT, i));
                    dx.setAtIndex(JAVA_FLOAT, i, dy.getAtIndex(JAVA_FLOAT, i) - e * sum);
                }
            }
        }
    }

    /** The largest of a position's channels; NaN if any is NaN ({@link Math#max} propagates it). */
    private static float max(MemorySegment x, long base, int channels, long spatial) {
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < channels; c++) {
            max = Math.max(max, x.getAtIndex(JAVA_FLOAT, base + c * spatial));
        }
        return max;
    }
}
