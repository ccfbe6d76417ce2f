package dev.jdnn.engine.kernel;

/**
 * The counter-based generator behind {@link Dropout}'s masks: whether element {@code i} is kept depends only on
 * {@code (seed, call, i)}, never on how the work was split or on the thread count.
 *
 * <p>It reproduces {@link java.util.SplittableRandom} exactly, by position instead of by sequence:
 * <ul>
 *   <li>the key of call {@code c} is the {@code (c + 1)}-th {@code nextLong()} of {@code new SplittableRandom(seed)};
 *   <li>elements {@code 2k} and {@code 2k + 1} use the {@code (k + 1)}-th {@code nextLong()} of
 *       {@code new SplittableRandom(key)}: its high 32 bits for the even element, its low 32 bits for the odd one;
 *   <li>an element is kept when that unsigned 32-bit draw {@code u} is at least {@code threshold = ceil(p · 2³²)}, so
 *       {@code P(keep) = 1 − threshold / 2³²}, within 2⁻³² of {@code 1 − p}; {@code p = 0} keeps all, {@code p = 1}
 *       none.
 * </ul>
 * The {@code n}-th {@code nextLong()} of {@code new SplittableRandom(s)} is {@code mix64(s + n · GOLDEN_GAMMA)}, which
 * is what lets any thread compute any element's draw directly.
 */
public final class DropoutRandom {

    /** {@link java.util.SplittableRandom}'s increment for seeded generators (the odd integer nearest 2⁶⁴/φ). */
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private DropoutRandom() {
    }

    /** The key of one call: the {@code (call + 1)}-th {@code nextLong()} of {@code new SplittableRandom(seed)}. */
    public static long callKey(long seed, long call) {
        return mix64(seed + (call + 1) * GOLDEN_GAMMA);
    }

    /** {@code ceil(p · 2³²)}, the smallest unsigned 32-bit draw that keeps an element; {@code p} in [0, 1]. */
    public static long threshold(double p) {
        return (long) Math.ceil(p * 0x1p32);
    }

    /**
     * The keep bits of elements {@code [firstElement, firstElement + count)} ({@code firstElement} even, {@code count} at
     * most 64): bit {@code j} is set when element {@code firstElement + j} is kept; bits from {@code count} up are 0.
     */
    public static long keepBits(long key, long threshold, long firstElement, int count) {
        long bits = 0;
        long pair = firstElement >>> 1;
        for (int j = 0; j < count; j += 2, pair++) {
            long draw = mix64(key + (pair + 1) * GOLDEN_GAMMA);
            if ((draw >>> 32) >= threshold) {
                bits |= 1L << j;
            }
            if (j + 1 < count && (draw & 0xffff_ffffL) >= threshold) {
                bits |= 1L << (j + 1);
            }
        }
        return bits;
    }

    /** {@link java.util.SplittableRandom}'s output function (Stafford's variant 13 of MurmurHash3's finalizer). */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
