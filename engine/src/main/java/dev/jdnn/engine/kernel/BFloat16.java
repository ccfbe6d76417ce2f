package dev.jdnn.engine.kernel;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;
import java.lang.foreign.MemorySegment;

/**
 * Conversion between f32 and bf16 (the upper 16 bits of an f32: sign, 8 exponent bits, 7 mantissa bits).
 *
 * <p>f32 → bf16 rounds to nearest, ties to even, on every finite value, subnormals included (as PyTorch's
 * {@code round_to_nearest_even}); values at or beyond {@code 0x1.FFp127} (half an ulp above bf16's largest finite
 * value) become infinities; ±0 and ±∞ keep their sign; a NaN stays a NaN with its sign and top 7 payload bits, made
 * quiet (as oneDNN's reference; PyTorch answers {@code 0x7FC0} for every NaN). bf16 → f32 is exact.
 */
public final class BFloat16 {

    private static final BFloat16Kernels KERNELS =
            Vectorization.load(BFloat16Kernels.class, "SimdBFloat16Kernels", ScalarBFloat16Kernels::new);

    private BFloat16() {
    }

    /** The bf16 bits nearest {@code value} (ties to even). */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000) { // NaN: keep sign and top payload, set the quiet bit
            return (short) ((bits >>> 16) | 0x0040);
        }
        // Adding 0x7FFF plus the lowest kept bit carries into the kept bits exactly when the dropped half is above
        // one half, or exactly one half with an odd kept part; a carry out of the mantissa bumps the exponent, and
        // out of the largest exponent gives the infinity's bits.
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    /** The f32 of the same value as the bf16 {@code bits}. */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** {@code output = bf16(input)}: same shape, f32 to bf16. */
    public static void toBFloat16(Tensor input, Tensor output) {
        MemorySegment in = checked(input, "toBFloat16: input", DType.F32);
        MemorySegment out = checked(output, "toBFloat16: output", DType.BF16);
        output.shape().requireEqual(input.shape(), "toBFloat16: output");
        TensorChecks.requireDisjoint(out, "toBFloat16: output", in, "input");
        Activations.forEachChunk(input.elementCount(), (offset, count) -> KERNELS.toBFloat16(in, out, offset, count));
    }

    /** {@code output = f32(input)}: same shape, bf16 to f32, exact. */
    public static void toFloat(Tensor input, Tensor output) {
        MemorySegment in = checked(input, "toFloat: input", DType.BF16);
        MemorySegment out = checked(output, "toFloat: output", DType.F32);
        output.shape().requireEqual(input.shape(), "toFloat: output");
        TensorChecks.requireDisjoint(out, "toFloat: output", in, "input");
        Activations.forEachChunk(input.elementCount(), (offset, count) -> KERNELS.toFloat(in, out, offset, count));
    }

    private static MemorySegment checked(Tensor tensor, String what, DType type) {
        Activations.requireNonNull(tensor, what);
        tensor.requireDType(type, what);
        return tensor.segment(what);
    }
}
