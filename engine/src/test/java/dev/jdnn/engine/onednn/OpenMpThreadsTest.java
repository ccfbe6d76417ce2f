package dev.jdnn.engine.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jdnn.engine.backend.Conv2dForward;
import dev.jdnn.engine.backend.Conv2dSpec;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.engine.tensor.Shape;
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

    /**
     * oneDNN's kernels fix their thread count when they are created, from the creating thread's OpenMP count: the
     * backend applies the engine's count before creating, on a thread that never called oneDNN, and compiles anew
     * when the count changes.
     */
    @Test
    void operationsAreCompiledForTheEnginesThreadCount() throws Exception {
        assumeTrue(OneDnn.isAvailable(), () -> "oneDNN is not available: " + OneDnn.status().reason());
        int previous = Parallel.threads();
        Conv2dSpec spec = new Conv2dSpec(Shape.of(1, 8, 12, 12), 8, Window2d.square(3, 1, 1), 1, true, PostOp.NONE);
        try (OneDnnBackend backend = new OneDnnBackend(); ExecutorService fresh = Executors.newSingleThreadExecutor()) {
            Parallel.setThreads(1);
            Conv2dForward single = fresh.submit(() -> {
                Conv2dForward op = backend.conv2dForward(spec);
                assertEquals(1, OpenMpThreads.maxThreadsOfCallingThread(), "applied before the primitive was created");
                return op;
            }).get();
            Parallel.setThreads(2);
            Conv2dForward two = backend.conv2dForward(spec);
            assertNotSame(single, two, "a new thread count compiles the operation again");
            Parallel.setThreads(1);
            assertSame(single, backend.conv2dForward(spec), "and the first one is still cached");
        } finally {
            Parallel.setThreads(previous);
        }
    }
}
