package dev.jdnn.engine.kernel.simd;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.jdnn.engine.kernel.BatchNorm;
import dev.jdnn.engine.kernel.BatchNormKernels;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batch normalization on {@link FloatVector}: every pass walks one plane ({@code H·W} contiguous elements) with full
 * vectors, then finishes its last {@code planeSize % LANES} elements in scalar code (see
 * {@link SimdActivationKernels} for why tails are scalar). Sums within a plane keep several independent accumulators
 * (four for one sum, two each for two), reduced to a float per plane and added across planes in double; the
 * per-channel arithmetic is {@link BatchNorm}'s, shared with the scalar twin. No vector crosses a method boundary.
 */
public final class SimdBatchNormKernels implements BatchNormKernels {

    private static final VectorSpecies<Float> F = VectorShapes.FLOAT;
    private static final int LANES = VectorShapes.FLOAT_LANES;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long FLOAT_BYTES = Float.BYTES;

    public SimdBatchNormKernels() {
    }

    @Override
    public void statistics(MemorySegment x, MemorySegment mean, MemorySegment variance, int firstChannel,
                           int channelCount, int batch, int channels, long planeSize) {
        double count = (double) batch * planeSize;
        for (int c = firstChannel; c < firstChannel + channelCount; c++) {
            double total = 0;
            for (int n = 0; n < batch; n++) {
                total += planeSum(x, ((long) n * channels + c) * planeSize, planeSize);
            }
            float shift = (float) (total / count); // the first estimate of the mean
            double deviations = 0;
            double squares = 0;
            for (int n = 0; n < batch; n++) {
                long start = ((long) n * channels + c) * planeSize;
                deviations += planeDeviationSum(x, start, planeSize, shift);
                squares += planeSquaredDeviationSum(x, start, planeSize, shift);
            }
            mean.setAtIndex(JAVA_FLOAT, c, BatchNorm.mean(shift, deviations, count));
            variance.setAtIndex(JAVA_FLOAT, c, BatchNorm.variance(deviations, squares, count));
        }
    }

    /** {@code Σ x} over one plane, four accumulators. */
    private static float planeSum(MemorySegment x, long start, long planeSize) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        FloatVector s2 = FloatVector.zero(F);
        FloatVector s3 = FloatVector.zero(F);
        long i = start;
        for (long bound = start + 4L * LANES * (planeSize / (4L * LANES)); i < bound; i += 4L * LANES) {
            s0 = s0.add(load(x, i));
            s1 = s1.add(load(x, i + LANES));
            s2 = s2.add(load(x, i + 2L * LANES));
            s3 = s3.add(load(x, i + 3L * LANES));
        }
        for (long bound = start + F.loopBound(planeSize); i < bound; i += LANES) {
            s0 = s0.add(load(x, i));
        }
        float sum = Lanes.sum(s0.add(s1).add(s2.add(s3)));
        for (long end = start + planeSize; i < end; i++) {
            sum += x.getAtIndex(JAVA_FLOAT, i);
        }
        return sum;
    }

    /** {@code Σ (x - shift)} over one plane, four accumulators. */
    private static float planeDeviationSum(MemorySegment x, long start, long planeSize, float shift) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        FloatVector s2 = FloatVector.zero(F);
        FloatVector s3 = FloatVector.zero(F);
        long i = start;
        for (long bound = start + 4L * LANES * (planeSize / (4L * LANES)); i < bound; i += 4L * LANES) {
            s0 = s0.add(load(x, i).sub(shift));
            s1 = s1.add(load(x, i + LANES).sub(shift));
            s2 = s2.add(load(x, i + 2L * LANES).sub(shift));
            s3 = s3.add(load(x, i + 3L * LANES).sub(shift));
        }
        for (long bound = start + F.loopBound(planeSize); i < bound; i += LANES) {
            s0 = s0.add(load(x, i).sub(shift));
        }
        float sum = Lanes.sum(s0.add(s1).add(s2.add(s3)));
        for (long end = start + planeSize; i < end; i++) {
            sum += x.getAtIndex(JAVA_FLOAT, i) - shift;
        }
        return sum;
    }

    /** {@code Σ (x - shift)²} over one plane, four accumulators. */
    private static float planeSquaredDeviationSum(MemorySegment x, long start, long planeSize, float shift) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        FloatVector s2 = FloatVector.zero(F);
        FloatVector s3 = FloatVector.zero(F);
        long i = start;
        for (long bound = start + 4L * LANES * (planeSize / (4L * LANES)); i < bound; i += 4L * LANES) {
            FloatVector d0 = load(x, i).sub(shift);
            FloatVector d1 = load(x, i + LANES).sub(shift);
            FloatVector d2 = load(x, i + 2L * LANES).sub(shift);
            FloatVector d3 = load(x, i + 3L * LANES).sub(shift);
            s0 = s0.add(d0.mul(d0));
            s1 = s1.add(d1.mul(d1));
            s2 = s2.add(d2.mul(d2));
            s3 = s3.add(d3.mul(d3));
        }
        for (long bound = start + F.loopBound(planeSize); i < bound; i += LANES) {
            FloatVector d = load(x, i).sub(shift);
            s0 = s0.add(d.mul(d));
        }
        float sum = Lanes.sum(s0.add(s1).add(s2.add(s3)));
        for (long end = start + planeSize; i < end; i++) {
            float d = x.getAtIndex(JAVA_FLOAT, i) - shift;
            sum += d * d;
        }
        return sum;
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
            long start = plane * planeSize;
            long i = start;
            for (long bound = start + F.loopBound(planeSize); i < bound; i += LANES) {
                load(x, i).sub(m).mul(scale).add(b).intoMemorySegment(y, i * FLOAT_BYTES, ORDER);
            }
            for (long end = start + planeSize; i < end; i++) {
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
            double gradSum = 0;    // Σ dy
            double gradDotDev = 0; // Σ dy·(x - mean)
            for (int n = 0; n < batch; n++) {
                long start = ((long) n * channels + c) * planeSize;
                gradSum += planeSum(dy, start, planeSize);
                gradDotDev += planeDotDeviation(x, dy, start, planeSize, m);
            }
            BatchNorm.Gradient k = BatchNorm.gradient(weight, variance, epsilon, c, gradSum, gradDotDev, count,
                    dweight, dbias);
            float kdy = k.ofGradOutput();
            float kdev = k.ofDeviation();
            float k0 = k.constant();
            for (int n = 0; n < batch; n++) {
                long start = ((long) n * channels + c) * planeSize;
                long i = start;
                for (long bound = start + F.loopBound(planeSize); i < bound; i += LANES) {
                    load(x, i).sub(m).mul(kdev).add(k0).add(load(dy, i).mul(kdy))
                            .intoMemorySegment(dx, i * FLOAT_BYTES, ORDER);
                }
                for (long end = start + planeSize; i < end; i++) {
                    float d = x.getAtIndex(JAVA_FLOAT, i) - m;
                    dx.setAtIndex(JAVA_FLOAT, i, (d * kdev + k0) + dy.getAtIndex(JAVA_FLOAT, i) * kdy);
                }
            }
        }
    }

    /** {@code Σ dy·(x - mean)} over one plane, four accumulators. */
    private static float planeDotDeviation(MemorySegment x, MemorySegment dy, long start, long planeSize, float m) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        FloatVector s2 = FloatVector.zero(F);
        FloatVector s3 = FloatVector.zero(F);
        long i = start;
        for (long bound = start + 4L * LANES * (planeSize / (4L * LANES)); i < bound; i += 4L * LANES) {
            s0 = s0.add(load(dy, i).mul(load(x, i).sub(m)));
            s1 = s1.add(load(dy, i + LANES).mul(load(x, i + LANES).sub(m)));
            s2 = s2.add(load(dy, i + 2L * LANES).mul(load(x, i + 2L * LANES).sub(m)));
            s3 = s3.add(load(dy, i + 3L * LANES).mul(load(x, i + 3L * LANES).sub(m)));
        }
        for (long bound = start + F.loopBound(planeSize); i < bound; i += LANES) {
            s0 = s0.add(load(dy, i).mul(load(x, i).sub(m)));
        }
        float sum = Lanes.sum(s0.add(s1).add(s2.add(s3)));
        for (long end = start + planeSize; i < end; i++) {
            sum += dy.getAtIndex(JAVA_FLOAT, i) * (x.getAtIndex(JAVA_FLOAT, i) - m);
        }
        return sum;
    }

    private static FloatVector load(MemorySegment segment, long index) {
        return FloatVector.fromMemorySegment(F, segment, index * FLOAT_BYTES, ORDER);
    }
}
