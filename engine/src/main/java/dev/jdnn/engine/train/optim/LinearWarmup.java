package dev.jdnn.engine.train.optim;

import java.util.Objects;

/**
 * A linear warm-up in front of another schedule. The rate climbs from {@code startFactor · base} towards
 * {@code base} in equal steps over {@code length} epochs or iterations, then {@code main} takes over.
 *
 * <ul>
 *   <li>{@link Unit#EPOCHS}: PyTorch's {@code SequentialLR([LinearLR(opt, startFactor, 1.0, total_iters=length),
 *       main], milestones=[length])}: epoch {@code e < length} runs with
 *       {@code base · (startFactor + (1 − startFactor) · e / length)}, and from epoch {@code length} on {@code main}
 *       runs from its own epoch 0 ({@code main(base, e − length)}).</li>
 *   <li>{@link Unit#ITERATIONS}: the first {@code length} iterations of training (counted across epochs) run with
 *       {@code base · (startFactor + (1 − startFactor) · i / length)}; after them {@code main} runs on the unshifted
 *       epoch (Goyal et al.'s gradual warm-up, which does not delay the main schedule).</li>
 * </ul>
 *
 * @param length      warm-up epochs or iterations, {@code >= 1}
 * @param unit        what {@code length} counts
 * @param startFactor the first rate's fraction of the base, in {@code (0, 1]}
 * @param main        the schedule after the warm-up
 */
public record LinearWarmup(int length, Unit unit, double startFactor, LearningRateSchedule main)
        implements LearningRateSchedule {

    /** What a warm-up's length counts. */
    public enum Unit { EPOCHS, ITERATIONS }

    public LinearWarmup {
        SchedulePosition.requirePositive("LinearWarmup", "length", length);
        Objects.requireNonNull(unit, "LinearWarmup: unit must not be null");
        if (!(startFactor > 0 && startFactor <= 1)) {
            throw new IllegalArgumentException("LinearWarmup: Starting multiplicative factor expected to be greater"
                    + " than 0 and less or equal to 1, got " + startFactor);
        }
        Objects.requireNonNull(main, "LinearWarmup: main schedule must not be null");
    }

    /** Warm-up over {@code epochs} epochs, then {@code main} from its epoch 0. */
    public static LinearWarmup epochs(int epochs, double startFactor, LearningRateSchedule main) {
        return new LinearWarmup(epochs, Unit.EPOCHS, startFactor, main);
    }

    /** Warm-up over the first {@code iterations} iterations, then {@code main} on the unshifted epoch. */
    public static LinearWarmup iterations(int iterations, double startFactor, LearningRateSchedule main) {
        return new LinearWarmup(iterations, Unit.ITERATIONS, startFactor, main);
    }

    @Override
    public double learningRate(double baseLearningRate, int epoch, int iteration, int iterationsPerEpoch) {
        SchedulePosition.check("LinearWarmup", baseLearningRate, epoch, iteration, iterationsPerEpoch);
        long position = unit == Unit.EPOCHS ? epoch : (long) epoch * iterationsPerEpoch + iteration;
        if (position < length) {
            return baseLearningRate * (startFactor + (1 - startFactor) * position / length);
        }
        int mainEpoch = unit == Unit.EPOCHS ? epoch - length : epoch;
        return main.learningRate(baseLearningRate, mainEpoch, iteration, iterationsPerEpoch);
    }
}
