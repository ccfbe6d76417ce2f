package dev.jdnn.engine.kernel.simd;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.jdnn.engine.kernel.SoftmaxKernels;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax and log-softmax on {@link FloatVector}, two ways:
 * <ul>
 *   <li>{@code S == 1} ({@code (N, C)} rows): vectors run along the contiguous channels of a row; reductions keep two
 *       accumulators; the last {@code C % LANES} channels are finished in scalar code;</li>
 *   <li>{@code S > 1} ({@code (N, C, H, W)}): vectors run across {@code LANES} neighbouring positions, and each pass
 *       walks the channels {@code S} elements apart, so every lane does its own position's reduction with no
 *       shuffling. Every group of positions is masked (only the last is partial), so there is no separate tail.</li>
 * </ul>
 * Either way no vector crosses a call that the JIT might not inline, or lives in code it runs rarely (see
 * {@link SimdActivationKernels}): a boxed vector would allocate. A NaN among a position's channels makes its max NaN
 * (the Vector API's MAX propagates NaN like {@link Math#max}), and so all its outputs.
 */
public final class SimdSoftmaxKernels implements SoftmaxKernels {

    private static final VectorSpecies<Float> F = VectorShapes.FLOAT;
    private static final int LANES = VectorShapes.FLOAT_LANES;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long FLOAT_BYTES = Float.BYTES;

    public SimdSoftmaxKernels() {
    }

    // ---- forward ------------------------------------------------------------------------------------------------

    @Override
    public void softmax(MemorySegment x, MemorySegment y, int firstItem, int itemCount, int channels, long spatial,
                        long spatialFrom, long spatialCount) {
        for (int n = firstItem; n < firstItem + itemCount; n++) {
            long item = (long) n * channels * spatial; // element index of (n, 0, 0)
            if (spatial == 1) {
                softmaxRow(x, y, item, channels);
                continue;
            }
            for (long s = spatialFrom, end = spatialFrom + spatialCount; s < end; s += LANES) {
                softmaxColumns(x, y, item, channels, spatial, s, end);
            }
        }
    }

    private static void softmaxRow(MemorySegment x, MemorySegment y, long start, int channels) {
        float maxValue = rowMax(x, start, channels);
        FloatVector max = FloatVector.broadcast(F, maxValue);
        FloatVector sum0 = FloatVector.zero(F);
        FloatVector sum1 = FloatVector.zero(F);
        int c = 0;
        for (int bound = channels - 2 * LANES; c <= bound; c += 2 * LANES) {
            FloatVector e0 = load(x, start + c).sub(max).lanewise(VectorOperators.EXP);
            FloatVector e1 = load(x, start + c + LANES).sub(max).lanewise(VectorOperators.EXP);
            e0.intoMemorySegment(y, (start + c) * FLOAT_BYTES, ORDER);
            e1.intoMemorySegment(y, (start + c + LANES) * FLOAT_BYTES, ORDER);
            sum0 = sum0.add(e0);
            sum1 = sum1.add(e1);
        }
        for (int bound = F.loopBound(channels); c < bound; c += LANES) {
            FloatVector e = load(x, start + c).sub(max).lanewise(VectorOperators.EXP);
            e.intoMemorySegment(y, (start + c) * FLOAT_BYTES, ORDER);
            sum0 = sum0.add(e);
        }
        float sumValue = Lanes.sum(sum0.add(sum1));
        for (; c < channels; c++) {
            float e = (float) Math.exp(x.getAtIndex(JAVA_FLOAT, start + c) - maxValue);
            y.setAtIndex(JAVA_FLOAT, start + c, e);
            sumValue += e;
        }
        FloatVector sum = FloatVector.broadcast(F, sumValue);
        c = 0;
        for (int bound = F.loopBound(channels); c < bound; c += LANES) {
            load(y, start + c).div(sum).intoMemorySegment(y, (start + c) * FLOAT_BYTES, ORDER);
        }
        for (; c < channels; c++) {
            y.setAtIndex(JAVA_FLOAT, start + c, y.getAtIndex(JAVA_FLOAT, start + c) / sumValue);
        }
    }

    /**
     * Softmax of positions {@code [s, min(s + LANES, end))} of the item starting at element {@code item}. The mask is
     * made here, not passed in: a mask or vector handed to a method the JIT does not inline would be boxed.
     */
    private static void softmaxColumns(MemorySegment x, MemorySegment y, long item, int channels, long spatial,
                                       long s, long end) {
        VectorMask<Float> mask = F.indexInRange(s, end);
        long start = item + s;
        FloatVector max = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int c = 0; c < channels; c++) {
            max = max.max(load(x, start + c * spatial, mask));
        }
        FloatVector sum = FloatVector.zero(F);
        for (int c = 0; c < channels; c++) {
            long i = start + c * spatial;
            FloatVector e = load(x, i, mask).sub(max).lanewise(VectorOperators.EXP);
            e.intoMemorySegment(y, i * FLOAT_BYTES, ORDER, mask);
            sum = sum.add(e);
        }
        for (int c = 0; c < channels; c++) {
            long i = start + c * spatial;
            load(y, i, mask).div(sum).intoMemorySegment(y, i * FLOAT_BYTES, ORDER, mask);
        }
    }

    @Override
    public void logSoftmax(MemorySegment x, MemorySegment y, int firstItem, int itemCount, int channels,
                           long spatial, long spatialFrom, long spatialCount) {
        for (int n = firstItem; n < firstItem + itemCount; n++) {
            long item = (long) n * channels * spatial;
            if (spatial == 1) {
                logSoftmaxRow(x, y, item, channels);
                continue;
            }
            for (long s = spatialFrom, end = spatialFrom + spatialCount; s < end; s += LANES) {
                logSoftmaxColumns(x, y, item, channels, spatial, s, end);
            }
        }
    }

    private static void logSoftmaxRow(MemorySegment x, MemorySegment y, long start, int channels) {
        float maxValue = rowMax(x, start, channels);
        FloatVector max = FloatVector.broadcast(F, maxValue);
        FloatVector sum0 = FloatVector.zero(F);
        FloatVector sum1 = FloatVector.zero(F);
        int c = 0;
        for (int bound = channels - 2 * LANES; c <= bound; c += 2 * LANES) {
            sum0 = sum0.add(load(x, start + c).sub(max).lanewise(VectorOperators.EXP));
            sum1 = sum1.add(load(x, start + c + LANES).sub(max).lanewise(VectorOperators.EXP));
        }
        for (int bound = F.loopBound(channels); c < bound; c += LANES) {
            sum0 = sum0.add(load(x, start + c).sub(max).lanewise(VectorOperators.EXP));
        }
        float sumValue = Lanes.sum(sum0.add(sum1));
        for (; c < channels; c++) {
            sumValue += (float) Math.exp(x.getAtIndex(JAVA_FLOAT, start + c) - maxValue);
        }
        float logSum = (float) Math.log(sumValue);
        // (x - max) - log(sum), in that order: the terms are <= 0 and >= 0, so nothing cancels.
        c = 0;
        for (int bound = F.loopBound(channels); c < bound; c += LANES) {
            load(x, start + c).sub(max).sub(logSum).intoMemorySegment(y, (start + c) * FLOAT_BYTES, ORDER);
        }
        for (; c < channels; c++) {
            y.setAtIndex(JAVA_FLOAT, start + c, (x.getAtIndex(JAVA_FLOAT, start + c) - maxValue) - logSum);
        }
    }

    private static void logSoftmaxColumns(MemorySegment x, MemorySegment y, long item, int channels, long spatial,
                                          long s, long end) {
        VectorMask<Float> mask = F.indexInRange(s, end);
        long start = item + s;
        FloatVector max = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int c = 0; c < channels; c++) {
            max = max.max(load(x, start + c * spatial, mask));
        }
        FloatVector sum = FloatVector.zero(F);
        for (int c = 0; c < channels; c++) {
            sum = sum.add(load(x, start + c * spatial, mask).sub(max).lanewise(VectorOperators.EXP));
        }
        FloatVector logSum = sum.lanewise(VectorOperators.LOG);
        for (int c = 0; c < channels; c++) {
            long i = start + c * spatial;
            load(x, i, mask).sub(max).sub(logSum).intoMemorySegment(y, i * FLOAT_BYTES, ORDER, mask);
        }
    }

    // ---- backward -----------------------------------------------------------------------------------------------

    @Override
    public void softmaxBackward(MemorySegment y, MemorySegment dy, MemorySegment dx, int firstItem, int itemCount,
                                int channels, long spatial, long spatialFrom, long spatialCount) {
        for (int n = firstItem; n < firstItem + itemCount; n++) {
            long item = (long) n * channels * spatial;
            if (spatial == 1) {
                softmaxBackwardRow(y, dy, dx, item, channels);
                continue;
            }
            for (long s = spatialFrom, end = spatialFrom + spatialCount; s < end; s += LANES) {
                softmaxBackwardColumns(y, dy, dx, item, channels, spatial, s, end);
            }
        }
    }

    private static void softmaxBackwardColumns(MemorySegment y, MemorySegment dy, MemorySegment dx, long item,
                                               int channels, long spatial, long s, long end) {
        VectorMask<Float> mask = F.indexInRange(s, end);
        long start = item + s;
        FloatVector dot = FloatVector.zero(F);
        for (int c = 0; c < channels; c++) {
            long i = start + c * spatial;
            dot = dot.add(load(dy, i, mask).mul(load(y, i, mask)));
        }
        for (int c = 0; c < channels; c++) {
            long i = start + c * spatial;
            load(y, i, mask).mul(load(dy, i, mask).sub(dot)).intoMemorySegment(dx, i * FLOAT_BYTES, ORDER, mask);
        }
    }

    private static void softmaxBackwardRow(MemorySegment y, MemorySegment dy, MemorySegment dx, long start,
                                           int channels) {
        FloatVector dot0 = FloatVector.zero(F);
        FloatVector dot1 = FloatVector.zero(F);
        int c = 0;
        for (int bound = channels - 2 * LANES; c <= bound; c += 2 * LANES) {
            dot0 = dot0.add(load(dy, start + c).mul(load(y, start + c)));
            dot1 = dot1.add(load(dy, start + c + LANES).mul(load(y, start + c + LANES)));
        }
        for (int bound = F.loopBound(channels); c < bound; c += LANES) {
            dot0 = dot0.add(load(dy, start + c).mul(load(y, start + c)));
        }
        float dotValue = Lanes.sum(dot0.add(dot1));
        for (; c < channels; c++) {
            dotValue += dy.getAtIndex(JAVA_FLOAT, start + c) * y.getAtIndex(JAVA_FLOAT, start + c);
        }
        FloatVector dot = FloatVector.broadcast(F, dotValue);
        c = 0;
        for (int bound = F.loopBound(channels); c < bound; c += LANES) {
            load(y, start + c).mul(load(dy, start + c).sub(dot))
                    .intoMemorySegment(dx, (start + c) * FLOAT_BYTES, ORDER);
        }
        for (; c < channels; c++) {
            long i = start + c;
            dx.setAtIndex(JAVA_FLOAT, i, y.getAtIndex(JAVA_FLOAT, i) * (dy.getAtIndex(JAVA_FLOAT, i) - dotValue));
        }
    }

    @Override
    public void logSoftmaxBackward(MemorySegment y, MemorySegment dy, MemorySegment dx, int firstItem,
                                   int itemCount, int channels, long spatial, long spatialFrom, long spatialCount) {
        for (int n = firstItem; n < firstItem + itemCount; n++) {
            long item = (long) n * channels * spatial;
            if (spatial == 1) {
                logSoftmaxBackwardRow(y, dy, dx, item, channels);
                continue;
            }
            for (long s = spatialFrom, end = spatialFrom + spatialCount; s < end; s += LANES) {
                logSoftmaxBackwardColumns(y, dy, dx, item, channels, spatial, s, end);
            }
        }
    }

    private static void logSoftmaxBackwardColumns(MemorySegment y, MemorySegment dy, MemorySegment dx, long item,
                                                  int channels, long spatial, long s, long end) {
        VectorMask<Float> mask = F.indexInRange(s, end);
        long start = item + s;
        FloatVector sum = FloatVector.zero(F);
        for (int c = 0; c < channels; c++) {
            sum = sum.add(load(dy, start + c * spatial, mask));
        }
        for (int c = 0; c < channels; c++) {
            long i = start + c * spatial;
            FloatVector e = load(y, i, mask).lanewise(VectorOperators.EXP);
            load(dy, i, mask).sub(e.mul(sum)).intoMemorySegment(dx, i * FLOAT_BYTES, ORDER, mask);
        }
    }

    private static void logSoftmaxBackwardRow(MemorySegment y, MemorySegment dy, MemorySegment dx, long start,
                                              int channels) {
        FloatVector sum0 = FloatVector.zero(F);
        FloatVector sum1 = FloatVector.zero(F);
        int c = 0;
        for (int bound = channels - 2 * LANES; c <= bound; c += 2 * LANES) {
            sum0 = sum0.add(load(dy, start + c));
            sum1 = sum1.add(load(dy, start + c + LANES));
        }
        for (int bound = F.loopBound(channels); c < bound; c += LANES) {
            sum0 = sum0.add(load(dy, start + c));
        }
        float sumValue = Lanes.sum(sum0.add(sum1));
        for (; c < channels; c++) {
            sumValue += dy.getAtIndex(JAVA_FLOAT, start + c);
        }
        FloatVector sum = FloatVector.broadcast(F, sumValue);
        c = 0;
        for (int bound = F.loopBound(channels); c < bound; c += LANES) {
            FloatVector e = load(y, start + c).lanewise(VectorOperators.EXP);
            load(dy, start + c).sub(e.mul(sum)).intoMemorySegment(dx, (start + c) * FLOAT_BYTES, ORDER);
        }
        for (; c < channels; c++) {
            long i = start + c;
            float e = (float) Math.exp(y.getAtIndex(JAVA_FLOAT, i));
            dx.setAtIndex(JAVA_FLOAT, i, dy.getAtIndex(JAVA_FLOAT, i) - e * sumValue);
        }
    }

    // ---- reductions and loads -----------------------------------------------------------------------------------

    /** The largest of {@code channels} contiguous elements; NaN if any is NaN. */
    private static float rowMax(MemorySegment x, long start, int channels) {
        FloatVector max0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        FloatVector max1 = max0;
        int c = 0;
        for (int bound = channels - 2 * LANES; c <= bound; c += 2 * LANES) {
            max0 = max0.max(load(x, start + c));
            max1 = max1.max(load(x, start + c + LANES));
        }
        for (int bound = F.loopBound(channels); c < bound; c += LANES) {
            max0 = max0.max(load(x, start + c));
        }
        float max = max0.max(max1).reduceLanes(VectorOperators.MAX);
        for (; c < channels; c++) {
            max = Math.max(max, x.getAtIndex(JAVA_FLOAT, start + c));
        }
        return max;
    }

    /** Lanes outside {@code mask} read as 0. */
    private static FloatVector load(MemorySegment segment, long index, VectorMask<Float> mask) {
        return FloatVector.fromMemorySegment(F, segment, index * FLOAT_BYTES, ORDER, mask);
    }

    private static FloatVector load(MemorySegment segment, long index) {
        return FloatVector.fromMemorySegment(F, segment, index * FLOAT_BYTES, ORDER);
    }
}
