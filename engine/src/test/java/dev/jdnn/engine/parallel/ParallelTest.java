package dev.jdnn.engine.parallel;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParallelTest {

    /** Generous: a correct run takes milliseconds; a deadlock fails here instead of hanging the build. */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    static Stream<Arguments> countsAndThreads() {
        List<Arguments> cases = new ArrayList<>();
        for (int threads : new int[] {1, 2, 4}) {
            for (int count : new int[] {0, 1, 2, 3, 17, 1000}) {
                cases.add(Arguments.of(count, threads));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "count={0} threads={1}")
    @MethodSource("countsAndThreads")
    void everyIndexRunsExactlyOnceOnAValidWorker(int count, int threads) {
        withThreads(threads, () -> {
            assertEquals(threads, Parallel.threads());
            int rounds = 20;
            AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(count, 1));
            AtomicInteger badWorker = new AtomicInteger(Integer.MIN_VALUE);
            Parallel.Task task = (index, worker) -> {
                runs.incrementAndGet(index);
                if (worker < 0 || worker >= threads) {
                    badWorker.set(worker);
                }
            };
            for (int round = 0; round < rounds; round++) {
                Parallel.forEach(count, task);
            }
            assertEquals(Integer.MIN_VALUE, badWorker.get(), "a task saw a worker id outside [0, " + threads + ")");
            for (int i = 0; i < count; i++) {
                assertEquals(rounds, runs.get(i), "runs of index " + i + " over " + rounds + " calls");
            }
            if (count == 0) {
                assertEquals(0, runs.get(0), "count 0 must run nothing");
            }
        });
    }

    @Test
    void negativeCountRunsNothing() {
        AtomicInteger runs = new AtomicInteger();
        Parallel.forEach(-5, (index, worker) -> runs.incrementAndGet());
        assertEquals(0, runs.get());
    }

    @Test
    void workersTakePartWhenTasksAreLong() {
        withThreads(2, () -> {
            AtomicBoolean helped = new AtomicBoolean();
            AtomicInteger sink = new AtomicInteger();
            Parallel.Task slow = (index, worker) -> {
                if (worker != 0) {
                    helped.set(true);
                }
                long until = System.nanoTime() + 20_000;
                while (System.nanoTime() < until) {
                    sink.incrementAndGet();
                }
            };
            for (int attempt = 0; attempt < 200 && !helped.get(); attempt++) {
                Parallel.forEach(64, slow);
            }
            assertTrue(helped.get(), "no task ran on a worker other than the caller in 200 calls");
        });
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2, 4})
    void exceptionInATaskIsRethrownAndThePoolStillWorks(int threads) {
        withThreads(threads, () -> {
            for (int failing : new int[] {0, 1, 37, 999}) {
                IllegalStateException boom = new IllegalStateException("task " + failing + " failed");
                IllegalStateException thrown = assertThrows(IllegalStateException.class,
                        () -> Parallel.forEach(1000, (index, worker) -> {
                            if (index == failing) {
                                throw boom;
                            }
                        }));
                assertSame(boom, thrown, "the task's own exception");
                assertEquals("task " + failing + " failed", thrown.getMessage());
                assertEveryIndexRunsOnce(1000, "after a failure at index " + failing);
            }
        });
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2, 4})
    void errorsAndFailuresOfEveryTaskAreRethrown(int threads) {
        withThreads(threads, () -> {
            StackOverflowError error = new StackOverflowError("deep");
            assertSame(error, assertThrows(StackOverflowError.class,
                    () -> Parallel.forEach(100, (index, worker) -> {
                        if (index == 50) {
                            throw error;
                        }
                    })));
            UnsupportedOperationException anyOf = assertThrows(UnsupportedOperationException.class,
                    () -> Parallel.forEach(100, (index, worker) -> {
                        throw new UnsupportedOperationException("every task fails");
                    }));
            assertEquals("every task fails", anyOf.getMessage());
            IllegalArgumentException single = assertThrows(IllegalArgumentException.class,
                    () -> Parallel.forEach(1, (index, worker) -> {
                        throw new IllegalArgumentException("the only task fails");
                    }));
            assertEquals("the only task fails", single.getMessage());
            assertEveryIndexRunsOnce(1000, "after failures");
        });
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2, 4})
    void nestedForEachRunsWithoutDeadlock(int threads) {
        withThreads(threads, () -> assertTimeoutPreemptively(TIMEOUT, () -> {
            int outer = 17;
            int inner = 33;
            for (int round = 0; round < 50; round++) {
                AtomicIntegerArray runs = new AtomicIntegerArray(outer * inner);
                AtomicInteger badWorker = new AtomicInteger(Integer.MIN_VALUE);
                Parallel.forEach(outer, (i, worker) -> Parallel.forEach(inner, (j, innerWorker) -> {
                    runs.incrementAndGet(i * inner + j);
                    if (innerWorker < 0 || innerWorker >= threads) {
                        badWorker.set(innerWorker);
                    }
                }));
                assertEquals(Integer.MIN_VALUE, badWorker.get(), "worker id of a nested task");
                for (int k = 0; k < outer * inner; k++) {
                    assertEquals(1, runs.get(k), "round " + round + ": runs of nested index " + k);
                }
            }
        }));
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2, 4})
    void concurrentCallersAllCompleteCorrectly(int threads) {
        withThreads(threads, () -> assertTimeoutPreemptively(TIMEOUT, () -> {
            int callers = 4;
            int calls = 200;
            int count = 100;
            CountDownLatch start = new CountDownLatch(1);
            try (ExecutorService executor = Executors.newFixedThreadPool(callers)) {
                List<Future<int[]>> results = new ArrayList<>();
                for (int c = 0; c < callers; c++) {
                    results.add(executor.submit(() -> {
                        AtomicIntegerArray runs = new AtomicIntegerArray(count);
                        start.await();
                        for (int call = 0; call < calls; call++) {
                            Parallel.forEach(count, (index, worker) -> runs.incrementAndGet(index));
                        }
                        int[] out = new int[count];
                        for (int i = 0; i < count; i++) {
                            out[i] = runs.get(i);
                        }
                        return out;
                    }));
                }
                start.countDown();
                for (int c = 0; c < callers; c++) {
                    int[] runs = results.get(c).get();
                    for (int i = 0; i < count; i++) {
                        assertEquals(calls, runs[i], "caller " + c + ": runs of index " + i);
                    }
                }
            }
        }));
    }

    @Test
    void setThreadsWhileOtherThreadsCallForEachNeverHangs() {
        int previous = Parallel.threads();
        try {
            assertTimeoutPreemptively(TIMEOUT, () -> {
                AtomicBoolean stop = new AtomicBoolean();
                try (ExecutorService executor = Executors.newFixedThreadPool(2)) {
                    List<Future<Long>> callers = new ArrayList<>();
                    for (int c = 0; c < 2; c++) {
                        callers.add(executor.submit(() -> {
                            AtomicIntegerArray runs = new AtomicIntegerArray(50);
                            long calls = 0;
                            while (!stop.get()) {
                                Parallel.forEach(50, (index, worker) -> runs.incrementAndGet(index));
                                calls++;
                            }
                            for (int i = 0; i < 50; i++) {
                                assertEquals(calls, runs.get(i), "runs of index " + i);
                            }
                            return calls;
                        }));
                    }
                    for (int change = 0; change < 100; change++) {
                        Parallel.setThreads(2 + change % 3);
                        Thread.sleep(0, 200_000);
                    }
                    stop.set(true);
                    for (Future<Long> caller : callers) {
                        assertTrue(caller.get() > 0, "the caller made progress");
                    }
                }
            });
        } finally {
            Parallel.setThreads(previous);
        }
    }

    @Test
    void setThreadsRejectsCountsOutOfRange() {
        int previous = Parallel.threads();
        for (int bad : new int[] {0, -1, 1025, 2000}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(bad));
            assertEquals("threads must be between 1 and 1024, got " + bad, e.getMessage());
            assertEquals(previous, Parallel.threads(), "a rejected count must leave the pool as it was");
        }
    }

    /** On a pool with workers this would wait for the task's own job (a deadlock), so it is refused. */
    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {2, 4})
    void setThreadsFromInsideATaskIsRejected(int threads) {
        withThreads(threads, () -> assertTimeoutPreemptively(TIMEOUT, () -> {
            int other = 1;
            AtomicInteger rejected = new AtomicInteger();
            Parallel.forEach(8, (index, worker) -> {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.setThreads(other));
                assertEquals("setThreads must not be called from inside a parallel task", e.getMessage());
                rejected.incrementAndGet();
            });
            assertEquals(8, rejected.get());
            assertEquals(threads, Parallel.threads());
            assertEveryIndexRunsOnce(100, "after rejected setThreads calls");
        }));
    }

    @Test
    void setThreadsToTheCurrentCountKeepsThePool() {
        int previous = Parallel.threads();
        Parallel.setThreads(previous);
        assertEquals(previous, Parallel.threads());
        assertEveryIndexRunsOnce(100, "after setting the same count");
    }

    // ---------------------------------------------------------------- steady-state allocation

    private static final int SINK_SIZE = 64;
    private static final long[] SINK = new long[SINK_SIZE];
    /** Built once: each index writes its own slot, so tasks of one call never race. */
    private static final Parallel.Task PREBUILT = (index, worker) -> SINK[index] += index + worker;

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void steadyStateCallsAllocateNothing(int threads) {
        java.lang.management.ThreadMXBean platform = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(platform instanceof com.sun.management.ThreadMXBean,
                "com.sun.management.ThreadMXBean unavailable");
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) platform;
        Assumptions.assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled(),
                "per-thread allocation counting unavailable");
        withThreads(threads, () -> assertTimeoutPreemptively(TIMEOUT, () -> {
            int calls = 10_000;
            StringBuilder report = new StringBuilder();
            boolean ok = true;
            // count 1 takes the serial shortcut; SINK_SIZE hands work to the workers. The task allocates nothing even
            // when interpreted, so the warm-up only has to get past one-time allocations (class loading, first use).
            for (int count : new int[] {1, SINK_SIZE}) {
                for (int warmUp = 0; warmUp < 2_000; warmUp++) {
                    Parallel.forEach(count, PREBUILT);
                }
                // Measures the caller's thread; the second reading of an empty interval is the counter's own cost.
                long empty = -bean.getCurrentThreadAllocatedBytes() + bean.getCurrentThreadAllocatedBytes();
                long before = bean.getCurrentThreadAllocatedBytes();
                for (int call = 0; call < calls; call++) {
                    Parallel.forEach(count, PREBUILT);
                }
                long allocated = bean.getCurrentThreadAllocatedBytes() - before - empty;
                double perCall = (double) allocated / calls;
                ok &= perCall < 16;
                report.append(String.format("threads %d, count %d: %d bytes in %d calls (%.3f per call); ",
                        threads, count, allocated, calls, perCall));
            }
            assertTrue(ok, report.toString());
        }));
    }

    // ---------------------------------------------------------------- helpers

    private static void assertEveryIndexRunsOnce(int count, String what) {
        AtomicIntegerArray runs = new AtomicIntegerArray(count);
        Parallel.forEach(count, (index, worker) -> runs.incrementAndGet(index));
        for (int i = 0; i < count; i++) {
            assertEquals(1, runs.get(i), what + ": runs of index " + i);
        }
    }

    private static void withThreads(int threads, Executable body) {
        int previous = Parallel.threads();
        try {
            Parallel.setThreads(threads);
            body.execute();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        } finally {
            Parallel.setThreads(previous);
        }
    }
}
