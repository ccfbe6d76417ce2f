package dev.jdnn.engine.train.optim;

/**
 * A learning-rate schedule as a pure function of the position in training: PyTorch's {@code lr_scheduler} closed
 * forms, with the base learning rate passed in instead of read from an optimizer. Epochs and iterations count from 0;
 * epoch {@code e} runs with the rate PyTorch's scheduler has after {@code e} calls of {@code step()}.
 */
public interface LearningRateSchedule {

    /**
     * The learning rate for iteration {@code iteration} (of {@code iterationsPerEpoch}) of epoch {@code epoch}.
     * Epoch-based schedules ignore the iteration.
     */
    double learningRate(double baseLearningRate, int epoch, int iteration, int iterationsPerEpoch);

    /** The learning rate at the start of epoch {@code epoch}. */
    default double learningRate(double baseLearningRate, int epoch) {
        return learningRate(baseLearningRate, epoch, 0, 1);
    }

    /** Sets {@code optimizer}'s learning rate to this schedule's at the given position. */
    default void apply(Optimizer optimizer, double baseLearningRate, int epoch, int iteration,
                       int iterationsPerEpoch) {
        optimizer.setLearningRate(learningRate(baseLearningRate, epoch, iteration, iterationsPerEpoch));
    }
}
