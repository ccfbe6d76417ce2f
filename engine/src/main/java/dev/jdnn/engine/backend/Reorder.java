package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.Tensor;

/**
 * A reorder compiled for one {@link ReorderSpec}. Owned by the {@link Backend} that compiled it; one thread at a time.
 */
public interface Reorder {

    ReorderSpec spec();

    /**
     * Converts {@code input} (shape {@link ReorderSpec#inputShape()}, type {@code sourceType}) into {@code output}
     * (shape {@link ReorderSpec#outputShape()}, type {@code destinationType}). They must not overlap.
     */
    void run(Tensor input, Tensor output);
}
