package dev.jdnn.engine.data;

import dev.jdnn.engine.tensor.Tensor;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The batches of one epoch. Without prefetching each batch is built by {@link #next()} on the caller's thread. With
 * prefetching one background thread builds batches into free buffers and hands them over through a queue of
 * {@code prefetch} places; {@code next()} gives the previous batch's buffer back. {@link #stop()} ends the thread and
 * waits for it, so the buffers can be freed afterwards.
 */
final class EpochIterator implements Iterator<Batch> {

    static final String THREAD_NAME = "jdnn-data-loader";
    private static final long POLL_MILLIS = 50;

    /** A built batch, or the failure that stopped the producer. */
    private record Prepared(Batch batch, Tensor buffer, Throwable failure) {
    }

    private final BatchBuilder builder;
    private final int epoch;
    private final int[] order;
    private final int batchCount;
    private final Tensor[] buffers; // (prefetch + 1) of (batchSize, C, H, W)
    private final BlockingQueue<Tensor> free;
    private final BlockingQueue<Prepared> ready;
    private final Thread producer; // null without prefetching
    private final float[] scratch; // the caller's, without prefetching
    private volatile boolean stopped;
    private int nextIndex;
    private Tensor held; // the buffer of the batch returned last

    EpochIterator(BatchBuilder builder, int epoch, Tensor[] buffers, int prefetch) {
        this.builder = builder;
        this.epoch = epoch;
        this.order = builder.order(epoch);
        this.batchCount = builder.batchCount();
        this.buffers = buffers;
        if (prefetch == 0) {
            this.free = null;
            this.ready = null;
            this.producer = null;
            this.scratch = builder.newScratch();
        } else {
            this.free = new ArrayBlockingQueue<>(buffers.length);
            for (Tensor buffer : buffers) {
                free.add(buffer);
            }
            this.ready = new ArrayBlockingQueue<>(prefetch);
            this.scratch = null;
            this.producer = new Thread(this::produce, THREAD_NAME + "-epoch-" + epoch);
            this.producer.setDaemon(true);
            this.producer.start();
        }
    }

    @Override
    public boolean hasNext() {
        return !stopped && nextIndex < batchCount;
    }

    @Override
    public Batch next() {
        if (stopped) {
            throw new NoSuchElementException("epoch " + epoch + " was stopped (the loader closed or another epoch began)");
        }
        if (nextIndex >= batchCount) {
            throw new NoSuchElementException("epoch " + epoch + " has no batch after its " + batchCount);
        }
        if (producer == null) {
            return builder.build(epoch, nextIndex++, order, buffers[0], scratch);
        }
        if (held != null) {
            free.add(held);
            held = null;
        }
        Prepared prepared = take();
        if (prepared.failure() != null) {
            stop();
            throw rethrow(prepared.failure());
        }
        held = prepared.buffer();
        nextIndex++;
        if (nextIndex == batchCount) {
            joinProducer(); // it has handed over its last batch and is ending: the epoch leaves no thread behind
        }
        return prepared.batch();
    }

    private Prepared take() {
        try {
            while (true) {
                Prepared prepared = ready.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (prepared != null) {
                    return prepared;
                }
                if (stopped) {
                    throw new IllegalStateException("epoch " + epoch + " was stopped while waiting for batch " + nextIndex);
                }
                if (!producer.isAlive() && ready.isEmpty()) {
                    throw new IllegalStateException("the data loader thread of epoch " + epoch
                            + " ended without preparing batch " + nextIndex);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for batch " + nextIndex + " of epoch " + epoch, e);
        }
    }

    private static RuntimeException rethrow(Throwable failure) {
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure instanceof RuntimeException runtime) {
            return runtime;
        }
        return new IllegalStateException("preparing a batch failed: " + failure, failure);
    }

    private void produce() {
        float[] producerScratch = builder.newScratch();
        try {
            for (int batchIndex = 0; batchIndex < batchCount && !stopped; batchIndex++) {
                Tensor buffer = free.take();
                if (stopped) {
                    return;
                }
                Prepared prepared;
                try {
                    prepared = new Prepared(builder.build(epoch, batchIndex, order, buffer, producerScratch), buffer, null);
                } catch (RuntimeException | Error e) {
                    ready.put(new Prepared(null, buffer, e));
                    return;
                }
                ready.put(prepared);
            }
        } catch (InterruptedException e) {
            // stop() asked us to end: nothing to clean up, the loader owns the buffers.
        }
    }

    /** Ends the epoch: no more batches; returns once the background thread (if any) has ended. */
    void stop() {
        stopped = true;
        if (producer == null || producer == Thread.currentThread()) {
            return;
        }
        producer.interrupt();
        joinProducer();
    }

    private void joinProducer() {
        boolean interrupted = false;
        while (producer.isAlive()) {
            try {
                producer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
