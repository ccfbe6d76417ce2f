package dev.jdnn.engine.kernel;

import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Optimizer updates on f32 tensors: checks the tensors once, then runs {@link OptimizerKernels} over chunks of about
 * 16K elements with {@link dev.jdnn.engine.parallel.Parallel#forEach}. Every element's update depends on that element
 * alone, so the split does not change a single bit.
 *
 * <p>The parameter and the state tensors are updated in place; the gradient is only read. All must have the
 * parameter's shape and none may share memory with another.
 */
public final class OptimizerSteps {

    private static final OptimizerKernels KERNELS =
            Vectorization.load(OptimizerKernels.class, "SimdOptimizerKernels", ScalarOptimizerKernels::new);

    private OptimizerSteps() {
    }

    /**
     * One SGD step (see {@link OptimizerKernels#sgd}) on {@code param}.
     *
     * @param param          updated in place
     * @param grad           same shape, read only
     * @param momentumBuffer same shape, updated in place; {@code null} when momentum is 0
     */
    public static void sgd(Tensor param, Tensor grad, Tensor momentumBuffer, SgdCoefficients coefficients) {
        Objects.requireNonNull(coefficients, "sgd: coefficients must not be null");
        MemorySegment p = Activations.checked(param, "sgd: param");
        MemorySegment g = checkedLike(grad, "sgd: grad", param, p, "param");
        MemorySegment buf = null;
        if (momentumBuffer != null) {
            buf = checkedLike(momentumBuffer, "sgd: momentum buffer", param, p, "param");
            TensorChecks.requireDisjoint(buf, "sgd: momentum buffer", g, "grad");
        }
        MemorySegment buffer = buf;
        Activations.forEachChunk(param.elementCount(),
                (offset, count) -> KERNELS.sgd(p, g, buffer, coefficients, offset, count));
    }

    /**
     * One Adam or AdamW step (see {@link OptimizerKernels#adam}) on {@code param}.
     *
     * @param param    updated in place
     * @param grad     same shape, read only
     * @param expAvg   same shape, the first moment, updated in place
     * @param expAvgSq same shape, the second moment, updated in place
     */
    public static void adam(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, AdamCoefficients coefficients) {
        Objects.requireNonNull(coefficients, "adam: coefficients must not be null");
        MemorySegment p = Activations.checked(param, "adam: param");
        MemorySegment g = checkedLike(grad, "adam: grad", param, p, "param");
        MemorySegment m = checkedLike(expAvg, "adam: exp_avg", param, p, "param");
        TensorChecks.requireDisjoint(m, "adam: exp_avg", g, "grad");
        MemorySegment v = checkedLike(expAvgSq, "adam: exp_avg_sq", param, p, "param");
        TensorChecks.requireDisjoint(v, "adam: exp_avg_sq", g, "grad");
        TensorChecks.requireDisjoint(v, "adam: exp_avg_sq", m, "exp_avg");
        Activations.forEachChunk(param.elementCount(),
                (offset, count) -> KERNELS.adam(p, g, m, v, coefficients, offset, count));
    }

    /** An f32 tensor of {@code like}'s shape whose memory does not overlap {@code param}'s. */
    private static MemorySegment checkedLike(Tensor tensor, String what, Tensor like, MemorySegment param,
                                             String paramName) {
        Activations.requireSameShape(tensor, what, like);
        MemorySegment segment = Activations.checked(tensor, what);
        TensorChecks.requireDisjoint(segment, what, param, paramName);
        return segment;
    }
}
