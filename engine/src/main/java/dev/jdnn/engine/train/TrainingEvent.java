package dev.jdnn.engine.train;

import java.nio.file.Path;

/** What a training run reports as it goes; the engine never prints, the CLI renders these. */
public sealed interface TrainingEvent {

    /** The run starts (or resumes at {@code firstEpoch}). */
    record Started(int firstEpoch, int epochs, int batchesPerEpoch, long trainImages, long testImages)
            implements TrainingEvent {
    }

    /** A training step finished: running means of the epoch so far. */
    record BatchFinished(int epoch, int batch, int batches, double loss, double accuracy, double imagesPerSecond,
                         double learningRate) implements TrainingEvent {
    }

    /** The test set is being evaluated after an epoch. */
    record Evaluating(int epoch, long images) implements TrainingEvent {
    }

    /** An epoch finished, test figures included. */
    record EpochFinished(EpochResult result) implements TrainingEvent {
    }

    /** A checkpoint was written (atomically). */
    record CheckpointSaved(int epoch, Path weights) implements TrainingEvent {
    }
}
