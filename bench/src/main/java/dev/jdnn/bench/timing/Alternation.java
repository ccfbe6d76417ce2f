package dev.jdnn.bench.timing;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Runs implementations of one case in alternation (A B A B …), so that on shared, noisy cores each sees the same
 * machine state, first to warm up (long enough for the JIT to compile the kernels), then timing every call into an
 * HdrHistogram of its own. Each implementation runs for a turn ({@link Timing#turn()}, at least one call) before the
 * next takes over.
 */
public final class Alternation {

    private static final long MAX_TRACKED_NANOS = 3_600_000_000_000L;

    private Alternation() {
    }

    /**
     * Calls each of {@code calls} in turns until every one of them has run for the warm-up time of its own (at least
     * once): the JIT compiles a kernel only when the kernel gets enough of the cores, which another implementation's
     * turns would otherwise eat into.
     */
    public static void warmUp(List<? extends Runnable> calls, Timing timing) {
        long budget = timing.warmup().toNanos();
        long turn = Math.max(1, Math.min(timing.turn().toNanos(), budget));
        long[] spent = new long[calls.size()];
        boolean done;
        do {
            done = true;
            for (int i = 0; i < calls.size(); i++) {
                if (spent[i] >= budget && spent[i] > 0) {
                    continue;
                }
                long start = System.nanoTime();
                long turnEnd = start + turn;
                long now;
                do {
                    calls.get(i).run();
                    now = System.nanoTime();
                } while (now < turnEnd);
                spent[i] += now - start;
                done &= spent[i] >= budget;
            }
        } while (!done);
    }

    /**
     * Times every call of turns A B A B … as {@code timing} says, until the measuring time has passed and every
     * implementation ran at least {@code minIterations} times; one {@link Latency} per implementation, in order.
     */
    public static List<Latency> measure(List<? extends Runnable> calls, Timing timing) {
        List<Histogram> histograms = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            histograms.add(new Histogram(MAX_TRACKED_NANOS, 3));
        }
        long end = System.nanoTime() + timing.measure().toNanos();
        long turn = timing.turn().toNanos();
        while (fewest(histograms) < timing.minIterations() || System.nanoTime() < end) {
            for (int i = 0; i < calls.size(); i++) {
                Histogram histogram = histograms.get(i);
                long turnEnd = System.nanoTime() + turn;
                long now;
                do {
                    long start = System.nanoTime();
                    calls.get(i).run();
                    now = System.nanoTime();
                    histogram.recordValue(Math.min(now - start, MAX_TRACKED_NANOS));
                } while (now < turnEnd && now < end);
            }
        }
        return histograms.stream().map(Latency::of).toList();
    }

    private static long fewest(List<Histogram> histograms) {
        return histograms.stream().mapToLong(Histogram::getTotalCount).min().orElse(0);
    }
}
