package dev.jdnn.engine.autograd;

import dev.jdnn.engine.backend.TensorFormat;
import dev.jdnn.engine.tensor.Tensor;

/**
 * An op of an inference pass that has not run yet, so that what follows it can join in ({@link PendingConv},
 * {@link PendingBatchNorm}); it runs when its value is first read.
 */
sealed interface Pending permits PendingConv, PendingBatchNorm {

    /** Runs the op and everything fused into it, into {@code output}, a tensor in {@code outputFormat}. */
    void run(Graph graph, Tensor output, TensorFormat outputFormat);
}
