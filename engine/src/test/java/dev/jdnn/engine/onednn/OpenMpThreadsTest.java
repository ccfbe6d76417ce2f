package dev.jdnn.engine.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jdnn.engine.parallel.Parallel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** oneDNN's OpenMP thread count follows the engine's on every calling thread, not only where it was set. */
class OpenMpThreadsTest {

    @Test
    void everyCallingThreadGetsTheEnginesCount() throws Exception {
        assumeTrue(OneDnn.isAvailable(), () -> "oneDNN is not available: " + OneDnn.status().reason());
        int previous = Parallel.threads();
        try (ExecutorService other = Executors.newSingleThreadExecutor()) {
            for (int threads : new int[] {1, 3, 2}) {
                Parallel.setThreads(threads);
                assertEquals(threads, OneDnn.threadsOfCallingThread(), "the thread that set it");
                // A thread that never set anything would get libgomp's global default (every CPU).
                assertEquals(threads, other.submit(OneDnn::threadsOfCallingThread).get(), "another thread");
            }
        } finally {
            Parallel.setThreads(previous);
        }
    }
}
