package dev.jdnn.engine.train;

/**
 * A model that trains with a loss of its own rather than the cross-entropy of its output: GoogLeNet adds its
 * auxiliary classifiers' losses ({@code main + 0.3·aux1 + 0.3·aux2}). {@code jdnn train} uses it when the model has
 * one.
 */
public interface HasTrainingLoss {

    /** The training loss with label smoothing ε. */
    Loss trainingLoss(double labelSmoothing);
}
