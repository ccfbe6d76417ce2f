package dev.jdnn.engine.kernel;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;

/** The scalar twin: {@link BFloat16#fromFloat} and {@link BFloat16#toFloat} element by element, on raw bits. */
final class ScalarBFloat16Kernels implements BFloat16Kernels {

    @Override
    public void toBFloat16(MemorySegment f32, MemorySegment bf16, long offset, long count) {
        for (long i = offset, end = offset + count; i < end; i++) {
            bf16.setAtIndex(JAVA_SHORT, i, BFloat16.fromFloat(Float.intBitsToFloat(f32.getAtIndex(JAVA_INT, i))));
        }
    }

    @Override
    public void toFloat(MemorySegment bf16, MemorySegment f32, long offset, long count) {
        for (long i = offset, end = offset + count; i < end; i++) {
            f32.setAtIndex(JAVA_INT, i, (bf16.getAtIndex(JAVA_SHORT, i) & 0xFFFF) << 16);
        }
    }
}
