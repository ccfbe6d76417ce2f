package dev.jdnn.engine.kernel.simd;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.jdnn.engine.kernel.AdaptiveAvgPoolKernels;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Adaptive average pooling on {@link FloatVector} where it pays: the global case ({@code OH = OW = 1}, the head of
 * every ResNet, DenseNet, MobileNet and EfficientNet, and each squeeze of squeeze-and-excitation) is a plane sum in
 * four independent accumulators, and its backward pass a broadcast fill. Smaller windows (a few elements wide) run the
 * scalar twin.
 */
public final class SimdAdaptiveAvgPoolKernels implements AdaptiveAvgPoolKernels {

    private static final VectorSpecies<Float> F = VectorShapes.FLOAT;
    private static final int LANES = VectorShapes.FLOAT_LANES;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long FLOAT_BYTES = Float.BYTES;

    private final AdaptiveAvgPoolKernels scalar = AdaptiveAvgPoolKernels.scalar();

    public SimdAdaptiveAvgPoolKernels() {
    }

    @Override
    public void forward(MemorySegment x, long xOffset, int planes, int height, int width,
                        MemorySegment y, long yOffset, int outputHeight, int outputWidth) {
        if (outputHeight != 1 || outputWidth != 1) {
            scalar.forward(x, xOffset, planes, height, width, y, yOffset, outputHeight, outputWidth);
            return;
        }
        long planeSize = (long) height * width;
        for (int plane = 0; plane < planes; plane++) {
            float sum = sum(x, xOffset + plane * planeSize, planeSize);
            y.setAtIndex(JAVA_FLOAT, yOffset + plane, sum / planeSize);
        }
    }

    /** The sum of {@code count} floats from element {@code start}: four accumulators, then one, then a scalar tail. */
    private static float sum(MemorySegment x, long start, long count) {
        FloatVector sum0 = FloatVector.zero(F);
        FloatVector sum1 = FloatVector.zero(F);
        FloatVector sum2 = FloatVector.zero(F);
        FloatVector sum3 = FloatVector.zero(F);
        long i = start;
        for (long bound = start + 4L * LANES * (count / (4L * LANES)); i < bound; i += 4L * LANES) {
            sum0 = sum0.add(load(x, i));
            sum1 = sum1.add(load(x, i + LANES));
            sum2 = sum2.add(load(x, i + 2L * LANES));
            sum3 = sum3.add(load(x, i + 3L * LANES));
        }
        for (long bound = start + F.loopBound(count); i < bound; i += LANES) {
            sum0 = sum0.add(load(x, i));
        }
        float sum = sum0.add(sum1).add(sum2.add(sum3)).reduceLanes(VectorOperators.ADD);
        for (long end = start + count; i < end; i++) {
            sum += x.getAtIndex(JAVA_FLOAT, i);
        }
        return sum;
    }

    @Override
    public void backward(MemorySegment dy, long dyOffset, int planes, int outputHeight, int outputWidth,
                         MemorySegment dx, long dxOffset, int height, int width) {
        if (outputHeight != 1 || outputWidth != 1) {
            scalar.backward(dy, dyOffset, planes, outputHeight, outputWidth, dx, dxOffset, height, width);
            return;
        }
        long planeSize = (long) height * width;
        for (int plane = 0; plane < planes; plane++) {
            float share = dy.getAtIndex(JAVA_FLOAT, dyOffset + plane) / planeSize;
            FloatVector shares = FloatVector.broadcast(F, share);
            long start = dxOffset + plane * planeSize;
            long i = start;
            for (long bound = start + F.loopBound(planeSize); i < bound; i += LANES) {
                shares.intoMemorySegment(dx, i * FLOAT_BYTES, ORDER);
            }
            for (long end = start + planeSize; i < end; i++) {
                dx.setAtIndex(JAVA_FLOAT, i, share);
            }
        }
    }

    private static FloatVector load(MemorySegment segment, long index) {
        return FloatVector.fromMemorySegment(F, segment, index * FLOAT_BYTES, ORDER);
    }
}
