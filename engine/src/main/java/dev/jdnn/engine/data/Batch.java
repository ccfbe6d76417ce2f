package dev.jdnn.engine.data;

import dev.jdnn.engine.tensor.Tensor;

/**
 * One batch from a {@link DataLoader}. The loader owns {@code images}: it stays valid until the next call to the
 * epoch's {@code next()} (or until another epoch starts or the loader closes) and is then reused; copy it to keep it.
 * Closing it does nothing (it is a view of the loader's buffer).
 *
 * @param images (B, C, H, W) f32, transformed
 * @param labels (B) class indices
 * @param epoch  the epoch it belongs to
 * @param index  its position in the epoch, from 0
 */
public record Batch(Tensor images, int[] labels, int epoch, int index)
        implements dev.jdnn.engine.train.LabeledBatches.Batch {

    /** Images in the batch. */
    public int size() {
        return labels.length;
    }
}
