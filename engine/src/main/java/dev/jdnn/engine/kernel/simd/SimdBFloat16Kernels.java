package dev.jdnn.engine.kernel.simd;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.jdnn.engine.kernel.BFloat16;
import dev.jdnn.engine.kernel.BFloat16Kernels;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * f32 ↔ bf16 on the f32 bits as {@link IntVector} lanes: the integer rounding of {@link BFloat16#fromFloat} with the
 * NaN lanes blended in, narrowed to a {@link ShortVector} of half the width; the other way widened and shifted. The
 * tail runs the scalar definition, so both twins agree bit for bit.
 */
public final class SimdBFloat16Kernels implements BFloat16Kernels {

    private static final VectorSpecies<Integer> I = VectorShapes.FLOAT.withLanes(int.class);
    private static final VectorSpecies<Short> S =
            VectorSpecies.of(short.class, VectorShape.forBitSize(I.vectorBitSize() / 2));
    private static final int LANES = I.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    public SimdBFloat16Kernels() {
    }

    @Override
    public void toBFloat16(MemorySegment f32, MemorySegment bf16, long offset, long count) {
        long i = offset;
        for (long bound = offset + I.loopBound(count); i < bound; i += LANES) {
            IntVector bits = IntVector.fromMemorySegment(I, f32, i * Integer.BYTES, ORDER);
            IntVector high = bits.lanewise(VectorOperators.LSHR, 16);
            IntVector rounded = bits.add(0x7FFF).add(high.and(1)).lanewise(VectorOperators.LSHR, 16);
            VectorMask<Integer> nan = bits.and(0x7FFF_FFFF).compare(VectorOperators.GT, 0x7F80_0000);
            IntVector result = rounded.blend(high.or(0x0040), nan);
            ShortVector narrow = (ShortVector) result.convertShape(VectorOperators.I2S, S, 0);
            narrow.intoMemorySegment(bf16, i * Short.BYTES, ORDER);
        }
        for (long end = offset + count; i < end; i++) {
            bf16.setAtIndex(JAVA_SHORT, i, BFloat16.fromFloat(Float.intBitsToFloat(f32.getAtIndex(JAVA_INT, i))));
        }
    }

    @Override
    public void toFloat(MemorySegment bf16, MemorySegment f32, long offset, long count) {
        long i = offset;
        for (long bound = offset + I.loopBound(count); i < bound; i += LANES) {
            ShortVector narrow = ShortVector.fromMemorySegment(S, bf16, i * Short.BYTES, ORDER);
            IntVector wide = (IntVector) narrow.convertShape(VectorOperators.S2I, I, 0);
            wide.lanewise(VectorOperators.LSHL, 16).intoMemorySegment(f32, i * Integer.BYTES, ORDER);
        }
        for (long end = offset + count; i < end; i++) {
            f32.setAtIndex(JAVA_INT, i, (bf16.getAtIndex(JAVA_SHORT, i) & 0xFFFF) << 16);
        }
    }
}
