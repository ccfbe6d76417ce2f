package dev.jdnn.engine.train.optim;

/**
 * PyTorch's {@code StepLR}: {@code base · gamma^⌊epoch / stepSize⌋}, the rate multiplied by {@code gamma} every
 * {@code stepSize} epochs.
 *
 * @param stepSize epochs between decays, {@code >= 1}
 * @param gamma    the factor of each decay
 */
public record StepLR(int stepSize, double gamma) implements LearningRateSchedule {

    public StepLR {
        SchedulePosition.requirePositive("StepLR", "stepSize", stepSize);
        SchedulePosition.requireFinite("StepLR", "gamma", gamma);
    }

    @Override
    public double learningRate(double baseLearningRate, int epoch, int iteration, int iterationsPerEpoch) {
        SchedulePosition.check("StepLR", baseLearningRate, epoch, iteration, iterationsPerEpoch);
        return baseLearningRate * Math.pow(gamma, epoch / stepSize);
    }
}
