package dev.jdnn.engine.train.optim;

/** The argument checks every schedule makes on a position in training. */
final class SchedulePosition {

    private SchedulePosition() {
    }

    static void check(String schedule, double baseLearningRate, int epoch, int iteration, int iterationsPerEpoch) {
        if (!(baseLearningRate >= 0) || Double.isInfinite(baseLearningRate)) {
            throw new IllegalArgumentException(schedule + ": base learning rate must be finite and >= 0, got "
                    + baseLearningRate);
        }
        if (epoch < 0) {
            throw new IllegalArgumentException(schedule + ": epoch must be >= 0, got " + epoch);
        }
        if (iterationsPerEpoch < 1) {
            throw new IllegalArgumentException(schedule + ": iterations per epoch must be >= 1, got "
                    + iterationsPerEpoch);
        }
        if (iteration < 0 || iteration >= iterationsPerEpoch) {
            throw new IllegalArgumentException(schedule + ": iteration must be in [0, " + iterationsPerEpoch
                    + "), got " + iteration);
        }
    }

    static void requirePositive(String schedule, String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(schedule + ": " + what + " must be >= 1, got " + value);
        }
    }

    static void requireFinite(String schedule, String what, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(schedule + ": " + what + " must be finite, got " + value);
        }
    }
}
