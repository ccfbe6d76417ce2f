package dev.jdnn.engine.kernel;

import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;
import java.lang.foreign.MemorySegment;

/**
 * Dropout in training mode, as PyTorch's {@code F.dropout(x, p, training=True)}: each element is kept with probability
 * {@code 1 − p} and scaled by {@code 1 / (1 − p)}, else multiplied by 0; {@code p = 0} is the identity and {@code p = 1}
 * gives zeros (both exactly as PyTorch: {@code y = x · noise}, so a dropped NaN or infinity stays NaN). The scale is
 * {@code (float) (1 / (1 − p))}, so a kept output is within 2 ulp of {@code x / (1 − p)}.
 *
 * <p>The mask is a pure function of {@code (seed, call, element index)} ({@link DropoutRandom}): the same seed and
 * call give the same mask on any thread count; a module keeps the seed and counts its calls. The kept bits are stored
 * in a {@link DropoutMask} (one bit per element) for {@link #backward}. Work is split into chunks of 16K elements
 * (whole mask words) run by {@link dev.jdnn.engine.parallel.Parallel#forEach}. Outputs may be their input (in place).
 */
public final class Dropout {

    private static final DropoutKernels KERNELS =
            Vectorization.load(DropoutKernels.class, "SimdDropoutKernels", ScalarDropoutKernels::new);

    static {
        // Chunks must start on mask words, so that no two tasks write the same word.
        if (Activations.CHUNK_ELEMENTS % Long.SIZE != 0) {
            throw new AssertionError("Activations.CHUNK_ELEMENTS must be a multiple of 64");
        }
    }

    private Dropout() {
    }

    /**
     * {@code y = x · mask / (1 − p)} with a fresh mask drawn for {@code (seed, call)}, stored in {@code mask} (of
     * {@code x}'s shape) together with {@code p}.
     *
     * @param p    the probability of dropping an element, in {@code [0, 1]}
     * @param call which call of a module with this seed (0, 1, 2, ...): each gives an independent mask
     * @param y    same shape as {@code x}; may be {@code x}
     */
    public static void forward(Tensor x, double p, long seed, long call, DropoutMask mask, Tensor y) {
        final String op = "dropout";
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(op + ": dropout probability has to be between 0 and 1, but got " + p);
        }
        MemorySegment xs = TensorChecks.f32Memory(x, op + ": x");
        MemorySegment ms = checkedMask(mask, op, x);
        Activations.requireSameShape(y, op + ": y", x);
        MemorySegment ys = TensorChecks.f32Memory(y, op + ": y");
        TensorChecks.requireSameOrDisjoint(ys, op + ": y", xs, "x");
        long key = DropoutRandom.callKey(seed, call);
        long threshold = DropoutRandom.threshold(p);
        float scale = scale(p);
        mask.setProbability(Double.NaN); // unfilled until every chunk has run
        Activations.forEachChunk(x.elementCount(),
                (offset, count) -> KERNELS.forward(xs, ys, ms, key, threshold, scale, offset, count));
        mask.setProbability(p);
    }

    /**
     * {@code dx = dy · mask / (1 − p)} with the mask and {@code p} of the forward pass that filled {@code mask}.
     * {@code dx} may be {@code dy}.
     */
    public static void backward(Tensor dy, DropoutMask mask, Tensor dx) {
        final String op = "dropout backward";
        MemorySegment dys = TensorChecks.f32Memory(dy, op + ": dy");
        MemorySegment ms = checkedMask(mask, op, dy);
        double p = mask.probability();
        if (Double.isNaN(p)) {
            throw new IllegalArgumentException(op + ": mask has not been filled by a dropout forward pass");
        }
        Activations.requireSameShape(dx, op + ": dx", dy);
        MemorySegment dxs = TensorChecks.f32Memory(dx, op + ": dx");
        TensorChecks.requireSameOrDisjoint(dxs, op + ": dx", dys, "dy");
        float scale = scale(p);
        Activations.forEachChunk(dy.elementCount(),
                (offset, count) -> KERNELS.backward(dys, ms, dxs, scale, offset, count));
    }

    /** The multiplier of a kept element: {@code 1 / (1 − p)} rounded once; 0 for {@code p = 1} (nothing is kept). */
    static float scale(double p) {
        return p == 1 ? 0f : (float) (1 / (1 - p));
    }

    private static MemorySegment checkedMask(DropoutMask mask, String op, Tensor like) {
        if (mask == null) {
            throw new IllegalArgumentException(op + ": mask is null");
        }
        if (!mask.shape().equals(like.shape())) {
            throw new IllegalArgumentException(op + ": mask must have shape " + like.shape() + ", got " + mask.shape());
        }
        return mask.segment(op + ": mask");
    }
}
