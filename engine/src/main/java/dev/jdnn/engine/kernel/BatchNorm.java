package dev.jdnn.engine.kernel;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;
import java.lang.foreign.MemorySegment;

/**
 * 2-D batch normalization on {@code (N, C, H, W)} f32 tensors, as PyTorch's {@code BatchNorm2d}: inference with given
 * statistics, training with the batch's (which it writes out), and the training-mode backward. Each entry checks
 * shapes once, then runs {@link BatchNormKernels} in parallel ({@link Parallel#forEach}): over ranges of planes where
 * the work is element-wise, over ranges of channels where it needs a channel's statistics or gradient sums (so no two
 * tasks write one sum).
 *
 * <p>Numerics: statistics are two-pass (no {@code E[x²] - E[x]²} cancellation) and summed per plane in f32, across
 * planes in double; normalization subtracts the mean before scaling. So a large common offset of the data costs only
 * the rounding of the mean itself, never digits of the variance.
 */
public final class BatchNorm {

    private static final BatchNormKernels KERNELS =
            Vectorization.load(BatchNormKernels.class, "SimdBatchNormKernels", ScalarBatchNormKernels::new);

    private BatchNorm() {
    }

    /**
     * {@code y = (x - mean[c]) / sqrt(variance[c] + epsilon) * weight[c] + bias[c]}; {@code y} may be {@code x}
     * (in place).
     *
     * @param x {@code (N, C, H, W)}; mean, variance, weight, bias {@code (C)}; y like x
     */
    public static void forwardInference(Tensor x, Tensor mean, Tensor variance, Tensor weight, Tensor bias,
                                        double epsilon, Tensor y) {
        final String op = "batchNorm inference";
        int channels = requireInput(x, op + ": x");
        MemorySegment xs = Activations.checked(x, op + ": x");
        MemorySegment means = channelVector(mean, op + ": mean", channels);
        MemorySegment variances = channelVector(variance, op + ": variance", channels);
        MemorySegment weights = channelVector(weight, op + ": weight", channels);
        MemorySegment biases = channelVector(bias, op + ": bias", channels);
        Activations.requireSameShape(y, op + ": y", x);
        MemorySegment ys = Activations.checked(y, op + ": y");
        TensorChecks.requireSameOrDisjoint(ys, op + ": y", xs, "x");
        long planeSize = x.shape().elementCountFrom(2);
        long planes = (long) x.dim(0) * channels;
        long planesPerTask = Math.max(1, Activations.CHUNK_ELEMENTS / planeSize);
        int tasks = Math.toIntExact((planes + planesPerTask - 1) / planesPerTask);
        Parallel.forEach(tasks, (task, worker) -> {
            long firstPlane = task * planesPerTask;
            KERNELS.normalize(xs, means, variances, weights, biases, epsilon, ys, firstPlane,
                    Math.min(planesPerTask, planes - firstPlane), channels, planeSize);
        });
    }

    /**
     * Training mode: writes the batch's mean and biased variance over {@code (N, H, W)} to {@code mean} and
     * {@code variance}, then normalizes with them as {@link #forwardInference} does. {@code y} must not overlap
     * {@code x}.
     *
     * @param x {@code (N, C, H, W)}; weight, bias, mean, variance {@code (C)}; y like x
     */
    public static void forwardTraining(Tensor x, Tensor weight, Tensor bias, double epsilon, Tensor y, Tensor mean,
                                       Tensor variance) {
        final String op = "batchNorm training";
        int channels = requireInput(x, op + ": x");
        MemorySegment xs = Activations.checked(x, op + ": x");
        MemorySegment weights = channelVector(weight, op + ": weight", channels);
        MemorySegment biases = channelVector(bias, op + ": bias", channels);
        Activations.requireSameShape(y, op + ": y", x);
        MemorySegment ys = Activations.checked(y, op + ": y");
        MemorySegment means = channelVector(mean, op + ": mean", channels);
        MemorySegment variances = channelVector(variance, op + ": variance", channels);
        TensorChecks.requireDisjoint(ys, op + ": y", xs, "x");
        int batch = x.dim(0);
        long planeSize = x.shape().elementCountFrom(2);
        int channelsPerTask = channelsPerTask(batch, planeSize);
        int tasks = (channels + channelsPerTask - 1) / channelsPerTask;
        Parallel.forEach(tasks, (task, worker) -> {
            int firstChannel = task * channelsPerTask;
            int channelCount = Math.min(channelsPerTask, channels - firstChannel);
            KERNELS.statistics(xs, means, variances, firstChannel, channelCount, batch, channels, planeSize);
            for (int n = 0; n < batch; n++) { // this task's channels are consecutive planes of every image
                KERNELS.normalize(xs, means, variances, weights, biases, epsilon, ys,
                        (long) n * channels + firstChannel, channelCount, channels, planeSize);
            }
        });
    }

    /**
     * The training-mode gradients (see {@link BatchNormKernels#backward}); {@code dx}, {@code dweight} and
     * {@code dbias} are overwritten and must not overlap an input.
     *
     * @param x {@code (N, C, H, W)}; dy, dx like x; mean, variance, weight, dweight, dbias {@code (C)}
     */
    public static void backward(Tensor x, Tensor dy, Tensor mean, Tensor variance, Tensor weight, double epsilon,
                                Tensor dx, Tensor dweight, Tensor dbias) {
        final String op = "batchNorm backward";
        int channels = requireInput(x, op + ": x");
        MemorySegment xs = Activations.checked(x, op + ": x");
        Activations.requireSameShape(dy, op + ": dy", x);
        MemorySegment dys = Activations.checked(dy, op + ": dy");
        MemorySegment means = channelVector(mean, op + ": mean", channels);
        MemorySegment variances = channelVector(variance, op + ": variance", channels);
        MemorySegment weights = channelVector(weight, op + ": weight", channels);
        Activations.requireSameShape(dx, op + ": dx", x);
        MemorySegment dxs = Activations.checked(dx, op + ": dx");
        MemorySegment dweights = channelVector(dweight, op + ": dweight", channels);
        MemorySegment dbiases = channelVector(dbias, op + ": dbias", channels);
        TensorChecks.requireDisjoint(dxs, op + ": dx", xs, "x");
        TensorChecks.requireDisjoint(dxs, op + ": dx", dys, "dy");
        int batch = x.dim(0);
        long planeSize = x.shape().elementCountFrom(2);
        int channelsPerTask = channelsPerTask(batch, planeSize);
        int tasks = (channels + channelsPerTask - 1) / channelsPerTask;
        Parallel.forEach(tasks, (task, worker) -> {
            int firstChannel = task * channelsPerTask;
            KERNELS.backward(xs, dys, means, variances, weights, epsilon, dxs, dweights, dbiases, firstChannel,
                    Math.min(channelsPerTask, channels - firstChannel), batch, channels, planeSize);
        });
    }

    // ---- per-channel arithmetic both kernel twins share -----------------------------------------------------------

    /** {@code weight[c] / sqrt(variance[c] + epsilon)}, in double, rounded once. */
    public static float scale(MemorySegment weight, MemorySegment variance, double epsilon, int channel) {
        return (float) (weight.getAtIndex(JAVA_FLOAT, channel)
                / Math.sqrt(variance.getAtIndex(JAVA_FLOAT, channel) + epsilon));
    }

    /** The mean from the first estimate {@code shift} and the sum of the deviations from it over {@code count}. */
    public static float mean(float shift, double deviations, double count) {
        return (float) (shift + deviations / count);
    }

    /**
     * The biased variance from the sums of the deviations {@code d} from a first estimate of the mean and of their
     * squares: {@code (Σd² - (Σd)²/L)/L}, the corrected two-pass formula (the second term is tiny: it only removes the
     * first estimate's error). Never negative.
     */
    public static float variance(double deviations, double squares, double count) {
        return (float) Math.max(0, (squares - deviations * deviations / count) / count);
    }

    /**
     * The per-channel coefficients of {@code dx = (x - mean)·ofDeviation + constant + dy·ofGradOutput}, i.e.
     * {@code weight/σ · (dy - mean(dy) - x̂·mean(dy·x̂))}.
     */
    public record Gradient(float ofGradOutput, float ofDeviation, float constant) {
    }

    /**
     * Writes {@code dbias[c] = Σ dy} and {@code dweight[c] = Σ dy·(x - mean) / σ} from the two sums, and returns the
     * coefficients of {@code dx}.
     */
    public static Gradient gradient(MemorySegment weight, MemorySegment variance, double epsilon, int channel,
                                    double gradSum, double gradDotDeviation, double count, MemorySegment dweight,
                                    MemorySegment dbias) {
        double inverseSigma = 1 / Math.sqrt(variance.getAtIndex(JAVA_FLOAT, channel) + epsilon);
        double k = weight.getAtIndex(JAVA_FLOAT, channel) * inverseSigma;
        dbias.setAtIndex(JAVA_FLOAT, channel, (float) gradSum);
        dweight.setAtIndex(JAVA_FLOAT, channel, (float) (gradDotDeviation * inverseSigma));
        return new Gradient((float) k, (float) (-k * inverseSigma * inverseSigma * gradDotDeviation / count),
                (float) (-k * gradSum / count));
    }

    // ---- checks and splitting -------------------------------------------------------------------------------------

    private static int requireInput(Tensor x, String what) {
        Activations.requireNonNull(x, what);
        x.shape().requireRank(4, what, "N, C, H, W");
        return x.dim(1);
    }

    private static MemorySegment channelVector(Tensor tensor, String what, int channels) {
        Activations.requireNonNull(tensor, what);
        if (tensor.rank() != 1 || tensor.dim(0) != channels) { // checked without making a Shape: runs every call
            tensor.shape().requireEqual(Shape.of(channels), what);
        }
        return Activations.checked(tensor, what);
    }

    /** Whole channels per task: about {@link Activations#CHUNK_ELEMENTS} elements, at least one channel. */
    private static int channelsPerTask(int batch, long planeSize) {
        return (int) Math.max(1, Activations.CHUNK_ELEMENTS / ((long) batch * planeSize));
    }
}
