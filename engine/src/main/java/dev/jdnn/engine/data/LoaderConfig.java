package dev.jdnn.engine.data;

import java.util.Objects;

/**
 * How a {@link DataLoader} batches a data set.
 *
 * @param batchSize images per batch
 * @param shuffle   whether each epoch visits the images in a new random order (else in index order)
 * @param dropLast  whether a last batch smaller than {@code batchSize} is dropped
 * @param seed      the one seed every order and augmentation derives from
 * @param transform applied to each image as its batch is built
 * @param prefetch  batches prepared ahead on a background thread (0: each batch is built on the caller's thread when
 *                  asked for; at most {@value #MAX_PREFETCH})
 */
public record LoaderConfig(int batchSize, boolean shuffle, boolean dropLast, long seed, Transform transform,
                           int prefetch) {

    public static final int MAX_PREFETCH = 4;

    public LoaderConfig {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("LoaderConfig: batchSize must be positive, got " + batchSize);
        }
        if (prefetch < 0 || prefetch > MAX_PREFETCH) {
            throw new IllegalArgumentException(
                    "LoaderConfig: prefetch must be in [0, " + MAX_PREFETCH + "], got " + prefetch);
        }
        Objects.requireNonNull(transform, "LoaderConfig: transform (use Transform.identity())");
    }

    /** Training defaults: shuffled, last partial batch kept, no transform, one batch prepared ahead. */
    public static LoaderConfig training(int batchSize, long seed) {
        return new LoaderConfig(batchSize, true, false, seed, Transform.identity(), 1);
    }

    /** Evaluation defaults: index order, every image, no transform, one batch prepared ahead. */
    public static LoaderConfig evaluation(int batchSize) {
        return new LoaderConfig(batchSize, false, false, 0, Transform.identity(), 1);
    }

    public LoaderConfig withTransform(Transform newTransform) {
        return new LoaderConfig(batchSize, shuffle, dropLast, seed, newTransform, prefetch);
    }

    public LoaderConfig withPrefetch(int newPrefetch) {
        return new LoaderConfig(batchSize, shuffle, dropLast, seed, transform, newPrefetch);
    }

    public LoaderConfig withDropLast(boolean newDropLast) {
        return new LoaderConfig(batchSize, shuffle, newDropLast, seed, transform, prefetch);
    }

    public LoaderConfig withSeed(long newSeed) {
        return new LoaderConfig(batchSize, shuffle, dropLast, newSeed, transform, prefetch);
    }
}
