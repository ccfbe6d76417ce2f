package dev.jdnn.engine.kernel;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;

/**
 * The scalar batch-norm kernels: what runs without the Vector API, and the twin the vector kernels are tested beside.
 * Same algorithm as {@code SimdBatchNormKernels}: f32 sums within a plane (one accumulator here), double totals across
 * planes, per-channel coefficients in double rounded once to f32.
 */
final class ScalarBatchNormKernels implements BatchNormKernels {

    @Override
    public void statistics(MemorySegment x, MemorySegment mean, MemorySegment variance, int firstChannel,
                           int channelCount, int batch, int channels, long planeSize) {
        double count = (double) batch * planeSize;
        for (int c = firstChannel; c < firstChannel + channelCount; c++) {
            double total = 0;
            for (int n = 0; n < batch; n++) {
                long start = ((long) n * channels + c) * planeSize;
                float sum = 0f;
                for (long i = start, end = start + planeSize; i < end; i++) {
                    sum += x.getAtIndex(JAVA_FLOAT, i);
                }
                total += sum;
            }
            float shift = (float) (total / count); // the first estimate of the mean
            double deviations = 0;
            double squares = 0;
            for (int n = 0; n < batch; n++) {
                long start = ((long) n * channels + c) * planeSize;
                float sum = 0f;
                float sumOfSquares = 0f;
                for (long i = start, end = start + planeSize; i < end; i++) {
                    float d = x.getAtIndex(JAVA_FLOAT, i) - shift;
                    sum += d;
                    sumOfSquares += d * d;
                }
                deviations += sum;
                squares += sumOfSquares;
            }
            mean.setAtIndex(JAVA_FLOAT, c, BatchNorm.mean(shift, deviations, count));
            variance.setAtIndex(JAVA_FLOAT, c, BatchNorm.variance(deviations, squares, count));
        }
    }

    @Override
    public void normalize(MemorySegment x, MemorySegment mean, MemorySegment variance, MemorySegment weight,
                          MemorySegment bias, double epsilon, MemorySegment y, long firstPlane, long planeCount,
                          int channels, long planeSize) {
        for (long plane = firstPlane; plane < firstPlane + planeCount; plane++) {
            int c = (int) (plane % channels);
            float m = mean.getAtIndex(JAVA_FLOAT, c);
            float scale = BatchNorm.scale(weight, variance, epsilon, c);
            float b = bias.getAtIndex(JAVA_FLOAT, c);
            for (long i = plane * planeSize, end = i + planeSize; i < end; i++) {
                y.setAtIndex(JAVA_FLOAT, i, (x.getAtIndex(JAVA_FLOAT, i) - m) * scale + b);
            }
        }
    }

    @Override
    public void backward(MemorySegment x, MemorySegment dy, MemorySegment mean, MemorySegment variance,
                         MemorySegment weight, double epsilon, MemorySegment dx, MemorySegment dweight,
                         MemorySegment dbias, int firstChannel, int channelCount, int batch, int channels,
                         long planeSize) {
        double count = (double) batch * planeSize;
        for (int c = firstChannel; c < firstChannel + channelCount; c++) {
            float m = mean.getAtIndex(JAVA_FLOAT, c);
            double gradSum = 0;     // Σ dy
            double gradDotDev = 0;  // Σ dy·(x - mean)
            for (int n = 0; n < batch; n++) {
                long start = ((long) n * channels + c) * planeSize;
                float sum = 0f;
                float dot = 0f;
                for (long i = start, end = start + planeSize; i < end; i++) {
                    float g = dy.getAtIndex(JAVA_FLOAT, i);
                    sum += g;
                    dot += g * (x.getAtIndex(JAVA_FLOAT, i) - m);
                }
                gradSum += sum;
                gradDotDev += dot;
            }
            BatchNorm.Gradient k = BatchNorm.gradient(weight, variance, epsilon, c, gradSum, gradDotDev, count,
                    dweight, dbias);
            float kdy = k.ofGradOutput();
            float kdev = k.ofDeviation();
            float k0 = k.constant();
            for (int n = 0; n < batch; n++) {
                long start = ((long) n * channels + c) * planeSize;
                for (long i = start, end = start + planeSize; i < end; i++) {
                    float d = x.getAtIndex(JAVA_FLOAT, i) - m;
                    dx.setAtIndex(JAVA_FLOAT, i, (d * kdev + k0) + dy.getAtIndex(JAVA_FLOAT, i) * kdy);
                }
            }
        }
    }
}
