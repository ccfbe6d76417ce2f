package dev.jdnn.engine.testing;

/**
 * bf16 from the definition, not from the bit trick the kernels use: the nearest of the two bf16 values that bracket
 * the f32 (compared in double, where both distances are exact), ties to the one with an even mantissa; beyond the
 * largest finite bf16 the infinity counts as 2^128, which is where IEEE 754 puts the overflow threshold's far end.
 */
public final class ReferenceBFloat16 {

    private static final int LARGEST_FINITE_MAGNITUDE = 0x7F7F; // bf16 bits of 0x1.FEp127
    private static final int INFINITY_MAGNITUDE = 0x7F80;

    private ReferenceBFloat16() {
    }

    /** The bf16 bits nearest {@code value}, ties to even; NaN keeps sign and top payload and is made quiet. */
    public static short round(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = bits & 0x8000_0000;
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        if (Float.isInfinite(value)) {
            return (short) (bits >>> 16);
        }
        double magnitude = Math.abs((double) value);
        int below = (bits & 0x7FFF_FFFF) >>> 16;  // truncation toward zero: the bracket's lower end
        int above = below + 1;                   // the next bf16 away from zero
        double low = magnitudeOf(below);
        if (low == magnitude) {
            return (short) ((sign >>> 16) | below);
        }
        double high = above == INFINITY_MAGNITUDE ? 0x1p128 : magnitudeOf(above);
        double toLow = magnitude - low;
        double toHigh = high - magnitude;
        int chosen;
        if (toLow < toHigh) {
            chosen = below;
        } else if (toHigh < toLow) {
            chosen = above;
        } else {
            chosen = (below & 1) == 0 ? below : above;
        }
        if (chosen > LARGEST_FINITE_MAGNITUDE) {
            chosen = INFINITY_MAGNITUDE;
        }
        return (short) ((sign >>> 16) | chosen);
    }

    /** The exact value of bf16 bits (sign included). */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    private static double magnitudeOf(int bf16Magnitude) {
        return Float.intBitsToFloat(bf16Magnitude << 16);
    }
}
