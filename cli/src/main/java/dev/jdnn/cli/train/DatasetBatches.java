package dev.jdnn.cli.train;

import dev.jdnn.engine.data.ImageDataset;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.train.LabeledBatches;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/** An {@link ImageDataset} as the trainer's batches (interim: the engine's data loader replaces it). */
final class DatasetBatches implements LabeledBatches {

    private final ImageDataset data;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private Tensor current;

    DatasetBatches(ImageDataset data, int batchSize, boolean shuffle, long seed) {
        this.data = data;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
    }

    @Override
    public long size() {
        return data.size();
    }

    @Override
    public int batchesPerEpoch() {
        return Math.ceilDiv(data.size(), batchSize);
    }

    @Override
    public Iterable<? extends Batch> epoch(int epoch) {
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * epoch));
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < order.length;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int n = Math.min(batchSize, order.length - next);
                int imageSize = data.imageShape().size();
                float[] pixels = new float[n * imageSize];
                int[] labels = new int[n];
                for (int i = 0; i < n; i++) {
                    data.copyImage(order[next + i], pixels, i * imageSize);
                    labels[i] = data.label(order[next + i]);
                }
                next += n;
                if (current != null) {
                    current.close();
                }
                Tensor images = Tensor.of(pixels, n, data.channels(), data.height(), data.width());
                current = images;
                return new Batch() {
                    @Override
                    public Tensor images() {
                        return images;
                    }

                    @Override
                    public int[] labels() {
                        return labels;
                    }
                };
            }
        };
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
        }
    }
}
