package dev.jdnn.engine.data;

/** Seeds derived from a run's seed and a position (epoch, batch, image), so random choices never depend on threads. */
final class Seeds {

    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private Seeds() {
    }

    /** A well-mixed 64-bit seed for the tuple {@code parts} (SplittableRandom's mix64 applied after each part). */
    static long mix(long... parts) {
        long h = GOLDEN_GAMMA * (parts.length + 1);
        for (long part : parts) {
            h = mix64(h + GOLDEN_GAMMA + part);
        }
        return h;
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
