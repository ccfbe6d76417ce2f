package dev.jdnn.engine.train.optim;

/** The base learning rate throughout. */
public record Constant() implements LearningRateSchedule {

    @Override
    public double learningRate(double baseLearningRate, int epoch, int iteration, int iterationsPerEpoch) {
        SchedulePosition.check("Constant", baseLearningRate, epoch, iteration, iterationsPerEpoch);
        return baseLearningRate;
    }
}
