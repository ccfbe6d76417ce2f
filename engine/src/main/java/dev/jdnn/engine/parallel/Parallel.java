package dev.jdnn.engine.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one owner of the worker threads that run the Java kernels, and of the thread count the engine uses.
 *
 * <p>{@link #forEach} hands out task indices {@code 0 .. count-1} to the calling thread and {@code threads() - 1}
 * long-lived workers; idle workers spin briefly and then park. A call creates no threads and allocates nothing.
 * Calls made from inside a running task, or while another caller holds the workers, run on the calling thread alone,
 * so nested or concurrent use never oversubscribes the cores.
 *
 * <p>The count defaults to {@link Runtime#availableProcessors()}; the system property {@code jdnn.threads} or
 * {@link #setThreads} (the CLI's {@code --threads}) changes it.
 */
public final class Parallel {

    /** One task of a parallel loop. {@code worker} is in {@code [0, threads())} and stable for the whole task. */
    @FunctionalInterface
    public interface Task {
        void run(int index, int worker);
    }

    private static final int SPIN_ITERATIONS = 20_000;
    private static volatile Pool pool = new Pool(initialThreads());

    private Parallel() {
    }

    private static int initialThreads() {
        String property = System.getProperty("jdnn.threads");
        if (property == null || property.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            return checkThreads(Integer.parseInt(property.trim()), "system property jdnn.threads");
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property jdnn.threads must be a positive integer, got '" + property + "'", e);
        }
    }

    private static int checkThreads(int threads, String what) {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException(what + " must be between 1 and 1024, got " + threads);
        }
        return threads;
    }

    /** The number of threads (the caller included) that kernels use. */
    public static int threads() {
        return pool.threads;
    }

    /** Replaces the workers with {@code threads - 1} new ones. Meant for start-up (the CLI's {@code --threads}). */
    public static synchronized void setThreads(int threads) {
        checkThreads(threads, "threads");
        if (Thread.currentThread() instanceof Worker || pool.callerLock.isHeldByCurrentThread()) {
            throw new IllegalStateException("setThreads must not be called from inside a parallel task");
        }
        if (threads == pool.threads) {
            return;
        }
        Pool old = pool;
        pool = new Pool(threads);
        old.shutdown();
    }

    /**
     * Runs {@code task} for every index in {@code [0, count)}, spread over the workers, and returns when all have run.
     * An exception thrown by a task is rethrown here after the other tasks finish.
     */
    public static void forEach(int count, Task task) {
        if (count <= 0) {
            return;
        }
        pool.run(count, task);
    }

    /**
     * Makes idle workers stop spinning for the next job and park now. Call before handing the cores to another thread
     * pool, as jdnn does before every oneDNN call (OpenMP's threads): a worker spinning for its next job would keep a
     * core from them for the rest of its spin. The next {@link #forEach} wakes them as usual.
     */
    public static void parkIdleWorkers() {
        Pool current = pool;
        if (!current.parkIdle) {
            current.parkIdle = true;
        }
    }

    /** The fixed set of worker threads and the one job they share. */
    private static final class Pool {
        final int threads;
        final Worker[] workers;
        final ReentrantLock callerLock = new ReentrantLock();
        final AtomicInteger nextIndex = new AtomicInteger();
        final AtomicInteger pendingWorkers = new AtomicInteger();
        volatile long generation;
        volatile boolean shutdown;
        volatile boolean parkIdle; // set by parkIdleWorkers, cleared by the next job
        // The current job; written by the caller before generation is bumped, read by workers after.
        Task task;
        int count;
        volatile Throwable failure;
        volatile Thread caller;

        Pool(int threads) {
            this.threads = threads;
            this.workers = new Worker[threads - 1];
            for (int i = 0; i < workers.length; i++) {
                workers[i] = new Worker(this, i + 1);
                workers[i].start();
            }
        }

        void run(int count, Task task) {
            // isHeldByCurrentThread: a nested call from a task on the caller's thread (the lock is reentrant).
            if (workers.length == 0 || count == 1 || Thread.currentThread() instanceof Worker
                    || callerLock.isHeldByCurrentThread() || !callerLock.tryLock()) {
                runHere(count, task);
                return;
            }
            try {
                if (shutdown) { // setThreads replaced this pool after the caller read it; its workers are gone
                    runHere(count, task);
                    return;
                }
                this.task = task;
                this.count = count;
                this.failure = null;
                this.caller = Thread.currentThread();
                nextIndex.set(0);
                pendingWorkers.set(workers.length);
                parkIdle = false;
                generation = generation + 1; // publishes the job
                for (Worker worker : workers) {
                    LockSupport.unpark(worker);
                }
                work(0);
                awaitWorkers();
                this.task = null;
                Throwable thrown = failure;
                if (thrown != null) {
                    failure = null;
                    if (thrown instanceof RuntimeException e) {
                        throw e;
                    }
                    if (thrown instanceof Error e) {
                        throw e;
                    }
                    throw new IllegalStateException("parallel task failed", thrown);
                }
            } finally {
                callerLock.unlock();
            }
        }

        private static void runHere(int count, Task task) {
            for (int i = 0; i < count; i++) {
                task.run(i, 0);
            }
        }

        void work(int worker) {
            Task current = task;
            int total = count;
            try {
                for (int index = nextIndex.getAndIncrement(); index < total; index = nextIndex.getAndIncrement()) {
                    current.run(index, worker);
                }
            } catch (Throwable t) {
                failure = t;
                nextIndex.set(total); // stop handing out work
            }
        }

        void awaitWorkers() {
            for (int spin = 0; pendingWorkers.get() > 0; spin++) {
                if (spin < SPIN_ITERATIONS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        }

        void shutdown() {
            callerLock.lock(); // waits for a running job, so no job is ever left without its workers
            try {
                shutdown = true;
            } finally {
                callerLock.unlock();
            }
            for (Worker worker : workers) {
                LockSupport.unpark(worker);
            }
        }
    }

    /** A daemon worker: waits for a new generation, works on it, reports done. */
    private static final class Worker extends Thread {
        private final Pool pool;
        private final int id;

        Worker(Pool pool, int id) {
            super("jdnn-worker-" + id);
            this.pool = pool;
            this.id = id;
            setDaemon(true);
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                long generation = awaitGeneration(seen);
                if (generation < 0) {
                    return;
                }
                seen = generation;
                pool.work(id);
                if (pool.pendingWorkers.decrementAndGet() == 0) {
                    LockSupport.unpark(pool.caller);
                }
            }
        }

        private long awaitGeneration(long seen) {
            for (int spin = 0; ; spin++) {
                if (pool.shutdown) {
                    return -1;
                }
                long generation = pool.generation;
                if (generation != seen) {
                    return generation;
                }
                if (spin < SPIN_ITERATIONS && !pool.parkIdle) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(pool);
                }
            }
        }
    }
}
