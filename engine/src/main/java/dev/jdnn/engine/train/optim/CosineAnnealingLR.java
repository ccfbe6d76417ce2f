package dev.jdnn.engine.train.optim;

/**
 * PyTorch's {@code CosineAnnealingLR} in its closed form:
 * {@code etaMin + (base − etaMin) · (1 + cos(π · epoch / tMax)) / 2}, from the base rate at epoch 0 down to
 * {@code etaMin} at epoch {@code tMax} (and back up after it, as the closed form does; SGDR's restarts are not part of
 * it).
 *
 * @param tMax   epochs of the half period, {@code >= 1}
 * @param etaMin the lowest rate, {@code >= 0}
 */
public record CosineAnnealingLR(int tMax, double etaMin) implements LearningRateSchedule {

    public CosineAnnealingLR {
        SchedulePosition.requirePositive("CosineAnnealingLR", "tMax", tMax);
        if (!(etaMin >= 0) || Double.isInfinite(etaMin)) {
            throw new IllegalArgumentException("CosineAnnealingLR: etaMin must be finite and >= 0, got " + etaMin);
        }
    }

    @Override
    public double learningRate(double baseLearningRate, int epoch, int iteration, int iterationsPerEpoch) {
        SchedulePosition.check("CosineAnnealingLR", baseLearningRate, epoch, iteration, iterationsPerEpoch);
        return etaMin + (baseLearningRate - etaMin) * (1 + Math.cos(Math.PI * epoch / tMax)) / 2;
    }
}
