package dev.jdnn.engine.kernel;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.ReferenceBFloat16;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * f32 ↔ bf16 against {@link ReferenceBFloat16} (rounding from the definition), bit for bit, on both kernel twins, over
 * hand-picked values and awkward lengths (vector tails).
 */
class BFloat16Test {

    /** {f32 bits, expected bf16 bits}: each a case the rounding must get right. */
    private static final int[][] HAND_PICKED = {
        {0x3F80_0000, 0x3F80}, // 1.0 exactly
        {0x3F80_8000, 0x3F80}, // tie, even below: stays
        {0x3F81_8000, 0x3F82}, // tie, odd below: up to even
        {0x3F80_8001, 0x3F81}, // just above the tie: up
        {0x3F80_7FFF, 0x3F80}, // just below the tie: down
        {0xBF81_8000, 0xBF82}, // negative tie to even
        {0x3FFF_8000, 0x4000}, // carry into the exponent
        {0x7F7F_0000, 0x7F7F}, // largest finite bf16
        {0x7F7F_7FFF, 0x7F7F}, // below the overflow threshold: stays finite
        {0x7F7F_8000, 0x7F80}, // the tie at the threshold rounds to even: infinity
        {0x7F7F_FFFF, 0x7F80}, // largest finite f32: infinity
        {0xFF7F_FFFF, 0xFF80}, // and its negative
        {0x0000_0000, 0x0000}, // +0
        {0x8000_0000, 0x8000}, // -0
        {0x7F80_0000, 0x7F80}, // +inf
        {0xFF80_0000, 0xFF80}, // -inf
        {0x7FC0_0000, 0x7FC0}, // quiet NaN
        {0xFFC1_2345, 0xFFC1}, // negative NaN with payload
        {0x7F80_0001, 0x7FC0}, // signalling NaN whose payload is all dropped: still a NaN, quiet
        {0x7FA0_0000, 0x7FE0}, // signalling NaN: quiet, payload kept
        {0x0000_0001, 0x0000}, // smallest subnormal: rounds to +0
        {0x8000_0001, 0x8000}, // and to -0
        {0x0000_8000, 0x0000}, // subnormal tie, even below
        {0x0001_8000, 0x0002}, // subnormal tie, odd below
        {0x0001_8001, 0x0002}, // subnormal above the tie
        {0x007F_FFFF, 0x0080}, // largest subnormal: up to the smallest normal
        {0x0080_0000, 0x0080}, // smallest normal
    };

    static List<BFloat16Kernels> twins() {
        BFloat16Kernels simd = Vectorization.loadSimd(BFloat16Kernels.class, "SimdBFloat16Kernels");
        return simd == null ? List.of(new ScalarBFloat16Kernels()) : List.of(new ScalarBFloat16Kernels(), simd);
    }

    @Test
    void referenceAgreesWithTheHandPickedValues() {
        for (int[] c : HAND_PICKED) {
            assertEquals(c[1], ReferenceBFloat16.round(Float.intBitsToFloat(c[0])) & 0xFFFF,
                    () -> "reference on 0x" + Integer.toHexString(c[0]));
            assertEquals(c[1], BFloat16.fromFloat(Float.intBitsToFloat(c[0])) & 0xFFFF,
                    () -> "BFloat16.fromFloat on 0x" + Integer.toHexString(c[0]));
        }
    }

    @Test
    void bothTwinsRoundTheHandPickedValues() {
        Assumptions.assumeTrue(Vectorization.isAvailable(), "Vector API unavailable: only the scalar twin runs");
        int n = HAND_PICKED.length;
        try (Tensor f32 = Tensor.allocate(Shape.of(n), DType.F32); Tensor bf16 = Tensor.allocate(Shape.of(n), DType.BF16)) {
            for (int i = 0; i < n; i++) {
                f32.segment().setAtIndex(JAVA_INT, i, HAND_PICKED[i][0]);
            }
            for (BFloat16Kernels kernels : twins()) {
                bf16.segment().fill((byte) 0);
                kernels.toBFloat16(f32.segment(), bf16.segment(), 0, n);
                for (int i = 0; i < n; i++) {
                    int index = i;
                    assertEquals(HAND_PICKED[i][1], bf16.segment().getAtIndex(JAVA_SHORT, i) & 0xFFFF,
                            () -> kernels.getClass().getSimpleName() + " on 0x" + Integer.toHexString(HAND_PICKED[index][0]));
                }
            }
        }
    }

    /** Random bits of every kind (all exponents, NaNs, subnormals) at lengths with every vector tail. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 15, 16, 17, 31, 33, 127, 257, 40_000})
    void randomBitsAgreeWithTheReferenceOnBothTwins(int length) {
        float[] noise = RandomData.uniform(length, length);
        try (Tensor f32 = Tensor.allocate(Shape.of(length), DType.F32);
             Tensor bf16 = Tensor.allocate(Shape.of(length), DType.BF16);
             Tensor back = Tensor.allocate(Shape.of(length), DType.F32)) {
            MemorySegment in = f32.segment();
            for (int i = 0; i < length; i++) {
                in.setAtIndex(JAVA_INT, i, Float.floatToRawIntBits(noise[i]) * 0x9E37_79B1 + i); // scrambled bits
            }
            for (BFloat16Kernels kernels : twins()) {
                kernels.toBFloat16(in, bf16.segment(), 0, length);
                kernels.toFloat(bf16.segment(), back.segment(), 0, length);
                for (int i = 0; i < length; i++) {
                    int bits = in.getAtIndex(JAVA_INT, i);
                    short expected = ReferenceBFloat16.round(Float.intBitsToFloat(bits));
                    short actual = bf16.segment().getAtIndex(JAVA_SHORT, i);
                    if (expected != actual) {
                        throw new AssertionError(kernels.getClass().getSimpleName() + ": 0x" + Integer.toHexString(bits)
                                + " became 0x" + Integer.toHexString(actual & 0xFFFF) + ", expected 0x"
                                + Integer.toHexString(expected & 0xFFFF));
                    }
                    // widening is exact: the bf16 bits are the f32's upper half
                    assertEquals((actual & 0xFFFF) << 16, back.segment().getAtIndex(JAVA_INT, i));
                }
            }
            BFloat16.toBFloat16(f32, bf16); // the parallel entry, on whichever twin this JVM loaded
            for (int i = 0; i < length; i++) {
                assertEquals(ReferenceBFloat16.round(Float.intBitsToFloat(in.getAtIndex(JAVA_INT, i))),
                        bf16.segment().getAtIndex(JAVA_SHORT, i));
            }
        }
    }

    @Test
    void everyBf16PatternWidensExactlyAndRoundsBackToItself() {
        int n = 1 << 16;
        try (Tensor bf16 = Tensor.allocate(Shape.of(n), DType.BF16);
             Tensor f32 = Tensor.allocate(Shape.of(n), DType.F32);
             Tensor again = Tensor.allocate(Shape.of(n), DType.BF16)) {
            for (int i = 0; i < n; i++) {
                bf16.segment().setAtIndex(JAVA_SHORT, i, (short) i);
            }
            BFloat16.toFloat(bf16, f32);
            BFloat16.toBFloat16(f32, again);
            for (int i = 0; i < n; i++) {
                assertEquals(i << 16, f32.segment().getAtIndex(JAVA_INT, i));
                boolean signallingNan = (i & 0x7F80) == 0x7F80 && (i & 0x7F) != 0 && (i & 0x40) == 0;
                int expected = signallingNan ? i | 0x40 : i; // the round trip quiets a signalling NaN
                assertEquals(expected, again.segment().getAtIndex(JAVA_SHORT, i) & 0xFFFF,
                        "bf16 0x" + Integer.toHexString(i));
            }
        }
    }
}
