package dev.jdnn.engine.train;

/**
 * One epoch's figures.
 *
 * @param epoch           1-based
 * @param trainLoss       mean loss over the epoch's training batches (weighted by batch size)
 * @param trainAccuracy   top-1 on the training batches as they were trained on (augmented, in training mode)
 * @param testLoss        mean loss on the test set in evaluation mode, NaN without a test set
 * @param testAccuracy    top-1 on the test set, NaN without a test set
 * @param testTop5        top-5 on the test set, NaN without a test set
 * @param learningRate    the learning rate of the epoch's last step
 * @param seconds         wall time of the epoch's training (not the evaluation)
 * @param imagesPerSecond training images per second
 */
public record EpochResult(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
                          double testTop5, double learningRate, double seconds, double imagesPerSecond) {
}
