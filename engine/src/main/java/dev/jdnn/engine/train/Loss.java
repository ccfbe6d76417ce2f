package dev.jdnn.engine.train;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.nn.Module;

/**
 * How a training step turns a batch into a loss: usually softmax cross-entropy of the model's output
 * ({@link #crossEntropy}); a model with auxiliary classifiers (GoogLeNet) supplies a weighted sum of several. The
 * logits it returns are what accuracy is counted on.
 */
public interface Loss {

    /** The loss and the logits (main classifier) for a batch. */
    record Result(Variable loss, Variable logits) {
    }

    /** Runs the model on {@code images} in {@code graph} and returns the loss and the logits to count. */
    Result compute(Graph graph, Module model, Variable images, int[] labels);

    /** Mean softmax cross-entropy with label smoothing ε of the model's output. */
    static Loss crossEntropy(double labelSmoothing) {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1], got " + labelSmoothing);
        }
        return (graph, model, images, labels) -> {
            Variable logits = model.call(graph, images);
            return new Result(Functional.crossEntropy(logits, labels, labelSmoothing), logits);
        };
    }
}
