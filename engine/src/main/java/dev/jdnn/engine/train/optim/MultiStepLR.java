package dev.jdnn.engine.train.optim;

import java.util.Arrays;

/**
 * PyTorch's {@code MultiStepLR}: {@code base · gamma^k} where {@code k} counts the milestones {@code <= epoch}
 * ({@code bisect_right}), the rate multiplied by {@code gamma} at each milestone epoch.
 *
 * @param milestones strictly increasing epochs, each {@code >= 1}
 * @param gamma      the factor of each decay
 */
public record MultiStepLR(int[] milestones, double gamma) implements LearningRateSchedule {

    public MultiStepLR {
        if (milestones == null) {
            throw new IllegalArgumentException("MultiStepLR: milestones is null");
        }
        milestones = milestones.clone();
        for (int i = 0; i < milestones.length; i++) {
            if (milestones[i] < 1 || (i > 0 && milestones[i] <= milestones[i - 1])) {
                throw new IllegalArgumentException("MultiStepLR: milestones must be strictly increasing epochs >= 1,"
                        + " got " + Arrays.toString(milestones));
            }
        }
        SchedulePosition.requireFinite("MultiStepLR", "gamma", gamma);
    }

    @Override
    public int[] milestones() {
        return milestones.clone();
    }

    @Override
    public double learningRate(double baseLearningRate, int epoch, int iteration, int iterationsPerEpoch) {
        SchedulePosition.check("MultiStepLR", baseLearningRate, epoch, iteration, iterationsPerEpoch);
        int passed = 0;
        while (passed < milestones.length && milestones[passed] <= epoch) {
            passed++;
        }
        return baseLearningRate * Math.pow(gamma, passed);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MultiStepLR that && Arrays.equals(milestones, that.milestones)
                && Double.compare(gamma, that.gamma) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(milestones) + Double.hashCode(gamma);
    }

    @Override
    public String toString() {
        return "MultiStepLR[milestones=" + Arrays.toString(milestones) + ", gamma=" + gamma + "]";
    }
}
