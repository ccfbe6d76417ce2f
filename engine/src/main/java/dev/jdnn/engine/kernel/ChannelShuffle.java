package dev.jdnn.engine.kernel;

import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;
import java.lang.foreign.MemorySegment;

/**
 * ShuffleNet v2's channel shuffle of f32 {@code (N, C, H, W)} (or {@code (N, C)}) tensors, as
 * {@code torch.nn.ChannelShuffle(groups)}: {@code x} viewed as {@code (N, groups, C/groups, H, W)}, transposed to
 * {@code (N, C/groups, groups, H, W)} and flattened back. A permutation of whole planes, so outputs are bit-exact copies.
 * Its gradient is the inverse permutation, which is the shuffle with {@code C/groups} groups.
 *
 * <p>Work is split over output planes in tasks of about 16K elements run by {@link Parallel#forEach}. Outputs must not
 * share memory with inputs (a permutation cannot run in place plane by plane).
 */
public final class ChannelShuffle {

    private static final ChannelShuffleKernels KERNELS = new ScalarChannelShuffleKernels();

    private ChannelShuffle() {
    }

    /** {@code y[n, j * groups + i] = x[n, i * (C/groups) + j]}; {@code groups} must divide C. */
    public static void forward(Tensor x, int groups, Tensor y) {
        run("channelShuffle", x, "x", groups, y, "y", groups);
    }

    /**
     * The gradient of {@link #forward} with the same {@code groups}: {@code dx} is {@code dy} shuffled with
     * {@code C/groups} groups.
     */
    public static void backward(Tensor dy, int groups, Tensor dx) {
        final String op = "channelShuffle backward";
        Activations.requireChannelRank(dy, op + ": dy");
        requireGroups(op, groups, dy.dim(1));
        run(op, dy, "dy", groups, dx, "dx", dy.dim(1) / groups);
    }

    private static void run(String op, Tensor input, String inputName, int groups, Tensor output, String outputName,
                            int shuffleGroups) {
        Activations.requireChannelRank(input, op + ": " + inputName);
        int channels = input.dim(1);
        requireGroups(op, groups, channels);
        Activations.requireSameShape(output, op + ": " + outputName, input);
        MemorySegment in = Activations.checked(input, op + ": " + inputName);
        MemorySegment out = Activations.checked(output, op + ": " + outputName);
        TensorChecks.requireDisjoint(out, op + ": " + outputName, in, inputName);
        long planeSize = input.rank() == 4 ? input.shape().elementCountFrom(2) : 1;
        long planes = (long) input.dim(0) * channels;
        long planesPerTask = Math.max(1, Activations.CHUNK_ELEMENTS / planeSize);
        int tasks = Math.toIntExact((planes + planesPerTask - 1) / planesPerTask);
        Parallel.forEach(tasks, (task, worker) -> {
            long firstPlane = task * planesPerTask;
            KERNELS.shuffle(in, out, firstPlane, Math.min(planesPerTask, planes - firstPlane), channels,
                    shuffleGroups, planeSize);
        });
    }

    private static void requireGroups(String op, int groups, int channels) {
        if (groups < 1 || channels % groups != 0) {
            throw new IllegalArgumentException(op + ": groups must be positive and divide the " + channels
                    + " channels, got " + groups);
        }
    }
}
