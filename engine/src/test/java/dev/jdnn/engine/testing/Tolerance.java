package dev.jdnn.engine.testing;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The one place test tolerances come from. Data movement must match bit for bit; a reduction in f32 may differ from
 * the exact (double) result by a forward-error bound that grows with its length and the magnitude of its terms;
 * element-wise functions by a few units in the last place.
 */
public final class Tolerance {

    /** Unit roundoff of f32: half the distance from 1 to the next float. */
    public static final double FLOAT_UNIT_ROUNDOFF = 0x1p-24;

    private Tolerance() {
    }

    /**
     * Bound on |computed − exact| for an f32 sum of {@code length} terms whose absolute values add up to
     * {@code magnitude}: the classic γ(n)·Σ|terms| with n = length + 2 (one more rounding each for scaling and for the
     * final store), plus a tiny absolute floor for results that round to subnormals.
     */
    public static double reductionBound(long length, double magnitude) {
        double n = length + 2.0;
        double gamma = n * FLOAT_UNIT_ROUNDOFF / (1 - n * FLOAT_UNIT_ROUNDOFF);
        return gamma * magnitude + Float.MIN_NORMAL;
    }

    /** Asserts that {@code actual} equals {@code expected} bit for bit (NaNs included). */
    public static void assertBitsEqual(float[] expected, float[] actual, String what) {
        checkLengths(expected.length, actual.length, what);
        int mismatches = 0;
        int first = -1;
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                mismatches++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (mismatches > 0) {
            fail(what + ": " + mismatches + " of " + expected.length + " elements differ in bits; first at index "
                    + first + ": expected " + expected[first] + ", got " + actual[first]);
        }
    }

    /**
     * Asserts {@code |actual[i] − expected[i]| ≤ reductionBound(length, magnitude[i])} for every i, where
     * {@code expected} is the exact result computed in double and {@code magnitude} the sum of the absolute values of
     * its terms.
     */
    public static void assertWithinReductionBound(double[] expected, double[] magnitude, float[] actual, long length,
                                                  String what) {
        checkLengths(expected.length, actual.length, what);
        checkLengths(expected.length, magnitude.length, what + " (magnitudes)");
        int mismatches = 0;
        int first = -1;
        for (int i = 0; i < expected.length; i++) {
            double bound = reductionBound(length, magnitude[i]);
            if (!(Math.abs(actual[i] - expected[i]) <= bound)) {
                mismatches++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (mismatches > 0) {
            fail(what + ": " + mismatches + " of " + expected.length + " elements outside the f32 reduction bound"
                    + " (length " + length + "); first at index " + first + ": expected " + expected[first] + ", got "
                    + actual[first] + ", |error| " + Math.abs(actual[first] - expected[first]) + " > bound "
                    + reductionBound(length, magnitude[first]));
        }
    }

    /**
     * Asserts that two f32 implementations of the same reduction agree: each may be {@link #reductionBound} away from
     * the exact result, on opposite sides, so {@code |first[i] − second[i]| ≤ 2·reductionBound(length, magnitude[i])}.
     */
    public static void assertAgreeWithinReductionBound(float[] first, float[] second, double[] magnitude, long length,
                                                       String what) {
        checkLengths(first.length, second.length, what);
        checkLengths(first.length, magnitude.length, what + " (magnitudes)");
        int mismatches = 0;
        int firstIndex = -1;
        for (int i = 0; i < first.length; i++) {
            if (!(Math.abs((double) first[i] - second[i]) <= 2 * reductionBound(length, magnitude[i]))) {
                mismatches++;
                if (firstIndex < 0) {
                    firstIndex = i;
                }
            }
        }
        if (mismatches > 0) {
            fail(what + ": " + mismatches + " of " + first.length + " elements differ by more than twice the f32"
                    + " reduction bound (length " + length + "); first at index " + firstIndex + ": " + first[firstIndex]
                    + " vs " + second[firstIndex] + ", bound " + 2 * reductionBound(length, magnitude[firstIndex]));
        }
    }

    /**
     * Asserts that each {@code actual[i]} is within {@code ulps} units in the last place (of the f32 nearest the
     * exact value) of {@code expected[i]}, or within {@code absoluteFloor}, whichever is larger. Infinities and NaNs
     * must match exactly.
     */
    public static void assertWithinUlps(double[] expected, float[] actual, double ulps, double absoluteFloor,
                                        String what) {
        checkLengths(expected.length, actual.length, what);
        int mismatches = 0;
        int first = -1;
        for (int i = 0; i < expected.length; i++) {
            if (!withinUlps(expected[i], actual[i], ulps, absoluteFloor)) {
                mismatches++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (mismatches > 0) {
            fail(what + ": " + mismatches + " of " + expected.length + " elements further than " + ulps + " ulp (floor "
                    + absoluteFloor + ") from the exact value; first at index " + first + ": expected "
                    + expected[first] + ", got " + actual[first]);
        }
    }

    private static boolean withinUlps(double expected, float actual, double ulps, double absoluteFloor) {
        if (Double.isNaN(expected) || Double.isInfinite(expected)) {
            return Double.compare(expected, actual) == 0;
        }
        double bound = Math.max(ulps * Math.ulp((float) expected), absoluteFloor);
        return Math.abs(actual - expected) <= bound;
    }

    private static void checkLengths(int expected, int actual, String what) {
        if (expected != actual) {
            fail(what + ": expected " + expected + " elements, got " + actual);
        }
    }
}
