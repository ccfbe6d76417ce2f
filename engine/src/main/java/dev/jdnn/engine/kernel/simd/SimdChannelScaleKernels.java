package dev.jdnn.engine.kernel.simd;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.jdnn.engine.kernel.ChannelScaleKernels;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The broadcast multiply on {@link FloatVector}: products vector by vector with a scalar tail (bit for bit the scalar
 * twin's), and the per-plane dot product {@code Σ dy·x} in four independent fused multiply-add accumulators.
 */
public final class SimdChannelScaleKernels implements ChannelScaleKernels {

    private static final VectorSpecies<Float> F = VectorShapes.FLOAT;
    private static final int LANES = VectorShapes.FLOAT_LANES;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long FLOAT_BYTES = Float.BYTES;

    public SimdChannelScaleKernels() {
    }

    @Override
    public void forward(MemorySegment x, MemorySegment scales, MemorySegment y, long firstPlane, long planeCount,
                        long planeSize) {
        for (long plane = firstPlane, end = firstPlane + planeCount; plane < end; plane++) {
            float scale = scales.getAtIndex(JAVA_FLOAT, plane);
            long start = plane * planeSize;
            long i = start;
            for (long bound = start + F.loopBound(planeSize); i < bound; i += LANES) {
                load(x, i).mul(scale).intoMemorySegment(y, i * FLOAT_BYTES, ORDER);
            }
            for (long planeEnd = start + planeSize; i < planeEnd; i++) {
                y.setAtIndex(JAVA_FLOAT, i, x.getAtIndex(JAVA_FLOAT, i) * scale);
            }
        }
    }

    @Override
    public void forwardChannelsLast(MemorySegment x, MemorySegment scales, MemorySegment y, long firstRow,
                                    long rowCount, int channels, long rowsPerImage) {
        int vectorEnd = F.loopBound(channels);
        for (long row = firstRow, end = firstRow + rowCount; row < end; row++) {
            long rowStart = row * channels;
            long scaleStart = row / rowsPerImage * channels;
            int c = 0;
            for (; c < vectorEnd; c += LANES) {
                load(x, rowStart + c).mul(load(scales, scaleStart + c))
                        .intoMemorySegment(y, (rowStart + c) * FLOAT_BYTES, ORDER);
            }
            for (; c < channels; c++) {
                y.setAtIndex(JAVA_FLOAT, rowStart + c,
                        x.getAtIndex(JAVA_FLOAT, rowStart + c) * scales.getAtIndex(JAVA_FLOAT, scaleStart + c));
            }
        }
    }

    @Override
    public void backward(MemorySegment x, MemorySegment scales, MemorySegment dy, MemorySegment dx,
                         MemorySegment dscales, long firstPlane, long planeCount, long planeSize) {
        for (long plane = firstPlane, end = firstPlane + planeCount; plane < end; plane++) {
            long start = plane * planeSize;
            // The sum first: dx may be the very memory of dy or x.
            if (dscales != null) {
                dscales.setAtIndex(JAVA_FLOAT, plane, dot(dy, x, start, planeSize));
            }
            if (dx != null) {
                scaleGradient(dy, scales.getAtIndex(JAVA_FLOAT, plane), dx, start, planeSize);
            }
        }
    }

    /** {@code dx = dy · scale}; reads each vector of dy before writing that vector of dx (in place is fine). */
    private static void scaleGradient(MemorySegment dy, float scale, MemorySegment dx, long start, long count) {
        long i = start;
        for (long bound = start + F.loopBound(count); i < bound; i += LANES) {
            load(dy, i).mul(scale).intoMemorySegment(dx, i * FLOAT_BYTES, ORDER);
        }
        for (long end = start + count; i < end; i++) {
            dx.setAtIndex(JAVA_FLOAT, i, dy.getAtIndex(JAVA_FLOAT, i) * scale);
        }
    }

    /** {@code Σ dy·x} over {@code [start, start + count)}: four accumulators, then one, then a scalar tail. */
    private static float dot(MemorySegment dy, MemorySegment x, long start, long count) {
        FloatVector sum0 = FloatVector.zero(F);
        FloatVector sum1 = FloatVector.zero(F);
        FloatVector sum2 = FloatVector.zero(F);
        FloatVector sum3 = FloatVector.zero(F);
        long i = start;
        for (long bound = start + 4L * LANES * (count / (4L * LANES)); i < bound; i += 4L * LANES) {
            sum0 = load(dy, i).fma(load(x, i), sum0);
            sum1 = load(dy, i + LANES).fma(load(x, i + LANES), sum1);
            sum2 = load(dy, i + 2L * LANES).fma(load(x, i + 2L * LANES), sum2);
            sum3 = load(dy, i + 3L * LANES).fma(load(x, i + 3L * LANES), sum3);
        }
        for (long bound = start + F.loopBound(count); i < bound; i += LANES) {
            sum0 = load(dy, i).fma(load(x, i), sum0);
        }
        float sum = Lanes.sum(sum0.add(sum1).add(sum2.add(sum3)));
        for (long end = start + count; i < end; i++) {
            sum = Math.fma(dy.getAtIndex(JAVA_FLOAT, i), x.getAtIndex(JAVA_FLOAT, i), sum);
        }
        return sum;
    }

    private static FloatVector load(MemorySegment segment, long index) {
        return FloatVector.fromMemorySegment(F, segment, index * FLOAT_BYTES, ORDER);
    }
}
