package dev.jdnn.bench.timing;

import java.time.Duration;

/**
 * How long a benchmark case warms up and how long it is timed: timed rounds go on until {@code measure} has passed
 * and at least {@code minIterations} rounds ran; {@link #iterations} gives exactly that many rounds instead.
 */
public record Timing(Duration warmup, Duration measure, long minIterations) {

    public Timing {
        if (warmup.isNegative() || measure.isNegative()) {
            throw new IllegalArgumentException(
                    "benchmark timing: warm-up and measuring time must be >= 0, got " + warmup + " and " + measure);
        }
        if (minIterations < 1) {
            throw new IllegalArgumentException("benchmark timing: timed iterations must be >= 1, got " + minIterations);
        }
    }

    /** Exactly {@code iterations} timed rounds after {@code warmup}. */
    public static Timing iterations(Duration warmup, long iterations) {
        return new Timing(warmup, Duration.ZERO, iterations);
    }

    /** {@code seconds} (a fraction allowed) as a duration. */
    public static Duration seconds(double seconds) {
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }
}
