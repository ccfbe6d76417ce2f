package dev.jdnn.engine.data;

import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Builds batch b of epoch e: the images at {@code order[b * B ..]}, each transformed with a generator seeded from
 * (seed, e, b, position in the batch), copied into a buffer. Pure in its inputs: any thread gets the same bits.
 */
final class BatchBuilder {

    private final ImageDataset dataset;
    private final LoaderConfig config;
    private final ImageShape inputShape;
    private final ImageShape outputShape;

    BatchBuilder(ImageDataset dataset, LoaderConfig config) {
        this.dataset = dataset;
        this.config = config;
        this.inputShape = dataset.imageShape();
        this.outputShape = config.transform().outputShape(inputShape);
    }

    ImageShape outputShape() {
        return outputShape;
    }

    /** A scratch array for {@link #build}, one per thread that builds. */
    float[] newScratch() {
        return new float[inputShape.size()];
    }

    /** Number of batches in an epoch. */
    int batchCount() {
        int size = dataset.size();
        int batchSize = config.batchSize();
        return config.dropLast() ? size / batchSize : (size + batchSize - 1) / batchSize;
    }

    /** The order in which epoch {@code epoch} visits the images: a seeded Fisher-Yates shuffle, or index order. */
    int[] order(int epoch) {
        int[] order = new int[dataset.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (config.shuffle()) {
            SplittableRandom random = new SplittableRandom(Seeds.mix(config.seed(), epoch));
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
            }
        }
        return order;
    }

    /**
     * Fills {@code buffer} ({@code (batchSize, C, H, W)}) with batch {@code batchIndex} of epoch {@code epoch} and
     * returns it as a batch whose images are a view of the buffer's first rows.
     */
    Batch build(int epoch, int batchIndex, int[] order, Tensor buffer, float[] scratch) {
        int from = batchIndex * config.batchSize();
        int count = Math.min(config.batchSize(), order.length - from);
        MemorySegment target = buffer.segment("DataLoader batch buffer");
        long imageBytes = (long) outputShape.size() * Float.BYTES;
        int[] labels = new int[count];
        for (int position = 0; position < count; position++) {
            int index = order[from + position];
            dataset.copyImage(index, scratch, 0);
            SplittableRandom random = new SplittableRandom(Seeds.mix(config.seed(), epoch, batchIndex, position));
            float[] image = config.transform().apply(scratch, inputShape, random);
            if (image.length != outputShape.size()) {
                throw new IllegalStateException("transform " + config.transform() + " returned " + image.length
                        + " values, expected " + outputShape.size() + " for an image " + outputShape);
            }
            MemorySegment.copy(image, 0, target, ValueLayout.JAVA_FLOAT, position * imageBytes, image.length);
            labels[position] = dataset.label(index);
        }
        return new Batch(buffer.sliceBatch(0, count), labels, epoch, batchIndex);
    }
}
