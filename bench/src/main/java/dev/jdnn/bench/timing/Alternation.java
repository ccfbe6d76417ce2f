package dev.jdnn.bench.timing;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Runs implementations of one case in alternation (A B A B …), so that on shared, noisy cores each sees the same
 * machine state, first to warm up (long enough for the JIT to compile the kernels), then timing every call into an
 * HdrHistogram of its own.
 */
public final class Alternation {

    private static final long MAX_TRACKED_NANOS = 3_600_000_000_000L;

    private Alternation() {
    }

    /** Calls each of {@code calls} in turn, round after round, until the warm-up time has passed (at least once). */
    public static void warmUp(List<? extends Runnable> calls, Timing timing) {
        long end = System.nanoTime() + timing.warmup().toNanos();
        do {
            for (Runnable call : calls) {
                call.run();
            }
        } while (System.nanoTime() < end);
    }

    /** Times every call of rounds A B A B … as {@code timing} says; one {@link Latency} per call, in order. */
    public static List<Latency> measure(List<? extends Runnable> calls, Timing timing) {
        List<Histogram> histograms = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            histograms.add(new Histogram(MAX_TRACKED_NANOS, 3));
        }
        long end = System.nanoTime() + timing.measure().toNanos();
        long rounds = 0;
        while (rounds < timing.minIterations() || System.nanoTime() < end) {
            for (int i = 0; i < calls.size(); i++) {
                long start = System.nanoTime();
                calls.get(i).run();
                histograms.get(i).recordValue(Math.min(System.nanoTime() - start, MAX_TRACKED_NANOS));
            }
            rounds++;
        }
        return histograms.stream().map(Latency::of).toList();
    }
}
