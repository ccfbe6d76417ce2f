package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;

/**
 * The scaled sum {@code y[i] = Σ_j scales[j] · x_j[i]} at segment level, for {@code i} in
 * {@code [offset, offset + count)}, in this order and rounding: {@code acc = scales[0] · x_0[i]}, then
 * {@code acc = fma(scales[j], x_j[i], acc)} for {@code j = 1, 2, ...}; the scalar and vector twins agree bit for bit.
 * The output may be the very memory of any input (every input is read at an index before the output is written
 * there). Implementations neither check nor start threads; {@link WeightedSum} does both.
 */
public interface WeightedSumKernels {

    void sum(MemorySegment[] inputs, float[] scales, MemorySegment output, long offset, long count);
}
