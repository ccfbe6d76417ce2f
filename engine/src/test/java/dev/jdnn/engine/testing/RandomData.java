package dev.jdnn.engine.testing;

import java.util.SplittableRandom;

/** Reproducible test data: every array comes from a seed, so a failing case can be rerun exactly. */
public final class RandomData {

    private RandomData() {
    }

    /** {@code count} floats uniform in {@code [low, high)}. */
    public static float[] uniform(long seed, int count, float low, float high) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (low + (high - low) * random.nextDouble());
        }
        return values;
    }

    /** {@code count} floats uniform in {@code [-1, 1)}. */
    public static float[] uniform(long seed, int count) {
        return uniform(seed, count, -1f, 1f);
    }
}
