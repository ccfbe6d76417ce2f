package dev.jdnn.engine.kernel.simd;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.jdnn.engine.kernel.WeightedSumKernels;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The scaled sum on {@link FloatVector}: per vector of outputs, the first term's product, then one fused multiply-add
 * per further input, the same order and roundings as the scalar twin (which also finishes the tail), so the two agree
 * bit for bit.
 */
public final class SimdWeightedSumKernels implements WeightedSumKernels {

    private static final VectorSpecies<Float> F = VectorShapes.FLOAT;
    private static final int LANES = VectorShapes.FLOAT_LANES;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long FLOAT_BYTES = Float.BYTES;

    public SimdWeightedSumKernels() {
    }

    @Override
    public void sum(MemorySegment[] inputs, float[] scales, MemorySegment output, long offset, long count) {
        int n = inputs.length;
        MemorySegment first = inputs[0];
        float firstScale = scales[0];
        long i = offset;
        for (long bound = offset + F.loopBound(count); i < bound; i += LANES) {
            long byteOffset = i * FLOAT_BYTES;
            FloatVector acc = FloatVector.fromMemorySegment(F, first, byteOffset, ORDER).mul(firstScale);
            for (int j = 1; j < n; j++) {
                FloatVector x = FloatVector.fromMemorySegment(F, inputs[j], byteOffset, ORDER);
                acc = x.fma(FloatVector.broadcast(F, scales[j]), acc);
            }
            acc.intoMemorySegment(output, byteOffset, ORDER);
        }
        for (long end = offset + count; i < end; i++) {
            float acc = firstScale * first.getAtIndex(JAVA_FLOAT, i);
            for (int j = 1; j < n; j++) {
                acc = Math.fma(scales[j], inputs[j].getAtIndex(JAVA_FLOAT, i), acc);
            }
            output.setAtIndex(JAVA_FLOAT, i, acc);
        }
    }
}
