package dev.jdnn.engine.train;

import dev.jdnn.engine.tensor.Tensor;

/**
 * What the trainer reads: an epoch's batches of images and their labels, in an order fixed by the epoch. Closing it
 * frees what it holds (batch memory, a prefetching thread).
 */
public interface LabeledBatches extends AutoCloseable {

    /** A batch: images {@code (B, C, H, W)} f32 and B labels; valid until the next batch is taken. */
    interface Batch {
        Tensor images();

        int[] labels();
    }

    /** Images per epoch. */
    long size();

    /** Batches per epoch. */
    int batchesPerEpoch();

    /** The batches of epoch {@code epoch} (1-based); the order and augmentation depend only on the epoch. */
    Iterable<? extends Batch> epoch(int epoch);

    @Override
    default void close() {
    }
}
