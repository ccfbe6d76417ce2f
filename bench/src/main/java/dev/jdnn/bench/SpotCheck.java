package dev.jdnn.bench;

/**
 * The check every benchmark runs on its result before timing it, so that no figure is ever published for a wrong
 * answer: a few output elements, each recomputed in double from the formula, must agree with the f32 result within
 * the forward-error bound of an f32 sum of {@code terms} products in any order, {@code (terms + 2)·u·Σ|term|}
 * ({@code u = 2^-24}), plus the smallest normal float for results that are (nearly) zero.
 */
public final class SpotCheck {

    private static final double UNIT_ROUNDOFF = 0x1p-24;

    private SpotCheck() {
    }

    /**
     * @param who       the implementation, for the message ({@code onednn})
     * @param where     the element, for the message ({@code C(3, 7) of 64x64x64})
     * @param actual    what the implementation computed
     * @param expected  the double-precision value
     * @param terms     how many terms the sum had
     * @param magnitude the sum of their absolute values
     * @throws IllegalStateException naming {@code who} and {@code where} when the difference exceeds the bound
     */
    public static void requireClose(String who, String where, double actual, double expected, long terms,
                                    double magnitude) {
        double bound = (terms + 2) * UNIT_ROUNDOFF * magnitude + Float.MIN_NORMAL;
        if (!(Math.abs(actual - expected) <= bound)) {
            throw new IllegalStateException(who + " computed a wrong result: " + where + " = " + actual + ", expected "
                    + expected + " ± " + bound);
        }
    }
}
