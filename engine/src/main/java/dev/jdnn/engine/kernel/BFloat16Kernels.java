package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;

/**
 * f32 ↔ bf16 at segment level, elements {@code [offset, offset + count)} of both (the same index in each; the byte
 * offsets differ by the element sizes). Rounding as {@link BFloat16#fromFloat}. Implementations neither check nor
 * start threads; {@link BFloat16} does both.
 */
public interface BFloat16Kernels {

    /** {@code bf16[i] = fromFloat(f32[i])}. */
    void toBFloat16(MemorySegment f32, MemorySegment bf16, long offset, long count);

    /** {@code f32[i] = toFloat(bf16[i])}. */
    void toFloat(MemorySegment bf16, MemorySegment f32, long offset, long count);
}
