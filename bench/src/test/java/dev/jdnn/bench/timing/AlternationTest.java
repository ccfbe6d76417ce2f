package dev.jdnn.bench.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlternationTest {

    /** A call that takes about {@code nanos} and remembers when it ran. */
    private static final class Recorder implements Runnable {
        final String name;
        final long nanos;
        final List<String> log;
        int calls;
        long spentNanos;

        Recorder(String name, long nanos, List<String> log) {
            this.name = name;
            this.nanos = nanos;
            this.log = log;
        }

        @Override
        public void run() {
            calls++;
            log.add(name);
            long start = System.nanoTime();
            long end = start + nanos;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            spentNanos += System.nanoTime() - start;
        }
    }

    @Test
    void turnsRunEachImplementationSeveralTimesBeforeTheNext() {
        List<String> log = new ArrayList<>();
        Recorder a = new Recorder("a", 200_000, log);
        Recorder b = new Recorder("b", 200_000, log);
        Timing timing = new Timing(Duration.ZERO, Duration.ofMillis(200), 3, Duration.ofMillis(20));
        List<Latency> latencies = Alternation.measure(List.of(a, b), timing);
        assertEquals(2, latencies.size());
        int switches = 0;
        for (int i = 1; i < log.size(); i++) {
            if (!log.get(i).equals(log.get(i - 1))) {
                switches++;
            }
        }
        // About 100 calls of 0.2 ms in turns of 20 ms: a few switches, not one per call.
        assertTrue(a.calls >= 3 && b.calls >= 3, "calls " + a.calls + ", " + b.calls);
        assertTrue(switches >= 1 && switches < log.size() / 4, switches + " switches in " + log.size() + " calls");
    }

    @Test
    void withoutTurnsCallsAlternateOneByOne() {
        List<String> log = new ArrayList<>();
        Recorder a = new Recorder("a", 0, log);
        Recorder b = new Recorder("b", 0, log);
        Alternation.measure(List.of(a, b), Timing.iterations(Duration.ZERO, 7));
        assertEquals(List.of("a", "b", "a", "b", "a", "b", "a", "b", "a", "b", "a", "b", "a", "b"), log);
    }

    @Test
    void everyImplementationWarmsUpForTheWholeWarmUpTimeOfItsOwn() {
        List<String> log = new ArrayList<>();
        Recorder slow = new Recorder("slow", 2_000_000, log);
        Recorder fast = new Recorder("fast", 100_000, log);
        Alternation.warmUp(List.of(slow, fast), new Timing(Duration.ofMillis(60), Duration.ZERO, 1,
                Duration.ofMillis(10)));
        // Each ran for at least 60 ms of its own, in turns.
        assertTrue(slow.spentNanos >= 60_000_000L, "slow ran " + slow.spentNanos / 1e6 + " ms");
        assertTrue(fast.spentNanos >= 60_000_000L, "fast ran " + fast.spentNanos / 1e6 + " ms");
        assertTrue(log.indexOf("fast") < log.lastIndexOf("slow"), "the two took turns");
    }
}
