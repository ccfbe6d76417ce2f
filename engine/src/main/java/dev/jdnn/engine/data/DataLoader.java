package dev.jdnn.engine.data;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.Iterator;

/**
 * Turns an {@link ImageDataset} into batches {@code (B, C, H, W)} with their labels, epoch after epoch:
 * {@code for (Batch batch : loader.epoch(e)) { ... }}.
 *
 * <p><b>Reproducible.</b> The order of epoch e depends only on (seed, e), and every random augmentation of the image
 * at position p of batch b only on (seed, e, b, p): the same seed gives the same bits with or without prefetching and
 * whatever the thread timing.
 *
 * <p><b>Prefetching.</b> With {@code prefetch > 0} one background thread prepares up to {@code prefetch} batches ahead
 * while the caller trains on the current one; buffers ({@code prefetch + 1} of them) are allocated once and reused.
 * A batch's tensor is owned by the loader and valid until the next {@code next()} of its epoch, the start of another
 * epoch, or {@link #close()}.
 *
 * <p><b>Lifetime.</b> Starting an epoch stops the previous one (leaving a loop early is fine). {@link #close()} stops
 * the running epoch, waits for its thread to end and frees the buffers; a loop in progress then ends (its
 * {@code hasNext()} turns false). Use one loader from one thread; {@code close()} may come from any.
 */
public final class DataLoader implements AutoCloseable {

    private final ImageDataset dataset;
    private final LoaderConfig config;
    private final BatchBuilder builder;
    private Tensor[] buffers;     // (prefetch + 1) of (batchSize, C, H, W), allocated by the first epoch
    private EpochIterator active; // the epoch being iterated, if any
    private boolean closed;

    public DataLoader(ImageDataset dataset, LoaderConfig config) {
        this.dataset = dataset;
        this.config = config;
        this.builder = new BatchBuilder(dataset, config); // checks that the transform fits the images
    }

    public ImageDataset dataset() {
        return dataset;
    }

    public LoaderConfig config() {
        return config;
    }

    /** The size of one image in a batch, after the transform. */
    public ImageShape imageShape() {
        return builder.outputShape();
    }

    /** Batches per epoch (the last may be smaller unless {@code dropLast}). */
    public int batchCount() {
        return builder.batchCount();
    }

    /** The order in which epoch {@code epoch} visits the data set's indices. */
    public int[] order(int epoch) {
        checkEpoch(epoch);
        return builder.order(epoch);
    }

    /** The batches of epoch {@code epoch} (from 0); iterating starts the epoch and stops any other. */
    public Iterable<Batch> epoch(int epoch) {
        checkEpoch(epoch);
        return () -> start(epoch);
    }

    private static void checkEpoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("DataLoader: epoch must be non-negative, got " + epoch);
        }
    }

    private synchronized Iterator<Batch> start(int epoch) {
        if (closed) {
            throw new IllegalStateException("DataLoader: epoch " + epoch + " asked of a closed loader");
        }
        if (active != null) {
            active.stop();
            active = null;
        }
        if (buffers == null) {
            buffers = allocateBuffers();
        }
        active = new EpochIterator(builder, epoch, buffers, config.prefetch());
        return active;
    }

    private Tensor[] allocateBuffers() {
        ImageShape image = builder.outputShape();
        Shape shape = Shape.of(config.batchSize(), image.channels(), image.height(), image.width());
        Tensor[] allocated = new Tensor[config.prefetch() + 1];
        try {
            for (int i = 0; i < allocated.length; i++) {
                allocated[i] = Tensor.allocate(shape, DType.F32);
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            for (Tensor tensor : allocated) {
                if (tensor != null) {
                    tensor.close();
                }
            }
            throw e;
        }
        return allocated;
    }

    /** Stops the running epoch (waiting for its thread) and frees the batch buffers. Closing twice is harmless. */
    @Override
    public synchronized void close() {
        closed = true;
        if (active != null) {
            active.stop();
            active = null;
        }
        if (buffers != null) {
            for (Tensor buffer : buffers) {
                buffer.close();
            }
            buffers = null;
        }
    }
}
