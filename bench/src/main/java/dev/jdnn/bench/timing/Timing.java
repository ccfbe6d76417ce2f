package dev.jdnn.bench.timing;

import java.time.Duration;

/**
 * How long a benchmark case warms up and how long it is timed: timed rounds go on until {@code measure} has passed
 * and at least {@code minIterations} rounds ran; {@link #iterations} gives exactly that many rounds instead.
 *
 * <p>{@code turn}: when several implementations alternate, how long each runs before the next takes over (0: one call
 * each, A B A B). Turns of a fraction of a second keep the comparison fair when the implementations use different
 * thread pools: OpenMP's workers (oneDNN's) spin for a while after each parallel region and would otherwise take the
 * cores from the next implementation's calls.
 */
public record Timing(Duration warmup, Duration measure, long minIterations, Duration turn) {

    /** The turn {@code jdnn bench} uses unless told otherwise. */
    public static final Duration DEFAULT_TURN = Duration.ofMillis(200);

    public Timing {
        if (warmup.isNegative() || measure.isNegative() || turn.isNegative()) {
            throw new IllegalArgumentException("benchmark timing: warm-up, measuring and turn times must be >= 0, got "
                    + warmup + ", " + measure + " and " + turn);
        }
        if (minIterations < 1) {
            throw new IllegalArgumentException("benchmark timing: timed iterations must be >= 1, got " + minIterations);
        }
    }

    /** Timed rounds for at least {@code measure} and {@code minIterations}, in turns of {@link #DEFAULT_TURN}. */
    public Timing(Duration warmup, Duration measure, long minIterations) {
        this(warmup, measure, minIterations, DEFAULT_TURN);
    }

    /** Exactly {@code iterations} timed rounds after {@code warmup}, one call per turn. */
    public static Timing iterations(Duration warmup, long iterations) {
        return new Timing(warmup, Duration.ZERO, iterations, Duration.ZERO);
    }



    /** {@code seconds} (a fraction allowed) as a duration. */
    public static Duration seconds(double seconds) {
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }
}
