package dev.jdnn.engine.train;

import dev.jdnn.engine.data.DataLoader;
import java.util.Objects;

/**
 * A {@link DataLoader} as the trainer's batches: the trainer's epoch {@code e} (from 1) is the loader's {@code e − 1},
 * so order and augmentation follow from the loader's seed and the epoch alone. Closing it closes the loader.
 */
public final class LoaderBatches implements LabeledBatches {

    private final DataLoader loader;

    public LoaderBatches(DataLoader loader) {
        this.loader = Objects.requireNonNull(loader, "loader");
    }

    @Override
    public long size() {
        int batchSize = loader.config().batchSize();
        long images = loader.dataset().size();
        return loader.config().dropLast() ? (images / batchSize) * batchSize : images;
    }

    @Override
    public int batchesPerEpoch() {
        return loader.batchCount();
    }

    @Override
    public Iterable<? extends Batch> epoch(int epoch) {
        if (epoch < 1) {
            throw new IllegalArgumentException("epochs count from 1, got " + epoch);
        }
        return loader.epoch(epoch - 1);
    }

    @Override
    public void close() {
        loader.close();
    }
}
