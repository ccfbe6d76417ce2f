package dev.jdnn.engine.kernel;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;

/** The scalar twin of the scaled sum, also the order and rounding the vector kernel reproduces. */
final class ScalarWeightedSumKernels implements WeightedSumKernels {

    @Override
    public void sum(MemorySegment[] inputs, float[] scales, MemorySegment output, long offset, long count) {
        int n = inputs.length;
        for (long i = offset, end = offset + count; i < end; i++) {
            float acc = scales[0] * inputs[0].getAtIndex(JAVA_FLOAT, i);
            for (int j = 1; j < n; j++) {
                acc = Math.fma(scales[j], inputs[j].getAtIndex(JAVA_FLOAT, i), acc);
            }
            output.setAtIndex(JAVA_FLOAT, i, acc);
        }
    }
}
