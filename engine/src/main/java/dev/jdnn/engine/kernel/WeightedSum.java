package dev.jdnn.engine.kernel;

import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;

/**
 * {@code y = Σ scales[j] · x_j} over f32 tensors of one shape: residual additions and their scaled variants. Terms are
 * added in input order with one rounding each (see {@link WeightedSumKernels}), in chunks of about 16K elements run by
 * {@link dev.jdnn.engine.parallel.Parallel#forEach}.
 */
public final class WeightedSum {

    private static final WeightedSumKernels KERNELS =
            Vectorization.load(WeightedSumKernels.class, "SimdWeightedSumKernels", ScalarWeightedSumKernels::new);

    private WeightedSum() {
    }

    /**
     * {@code output = Σ scales[j] · inputs[j]}. At least one input, one scale each; the output may be any input itself
     * (in place) but must not partly overlap one.
     */
    public static void sum(List<Tensor> inputs, float[] scales, Tensor output) {
        Objects.requireNonNull(inputs, "weighted sum: inputs must not be null");
        Objects.requireNonNull(scales, "weighted sum: scales must not be null");
        int n = inputs.size();
        if (n == 0 || scales.length != n) {
            throw new IllegalArgumentException("weighted sum: needs one scale per input and at least one input, got "
                    + n + " inputs and " + scales.length + " scales");
        }
        MemorySegment[] segments = new MemorySegment[n];
        for (int j = 0; j < n; j++) {
            String what = "weighted sum: input " + j;
            Activations.requireSameShape(inputs.get(j), what, inputs.get(0));
            segments[j] = Activations.checked(inputs.get(j), what);
        }
        Activations.requireSameShape(output, "weighted sum: output", inputs.get(0));
        MemorySegment out = Activations.checked(output, "weighted sum: output");
        for (int j = 0; j < n; j++) {
            TensorChecks.requireSameOrDisjoint(out, "weighted sum: output", segments[j], "input " + j);
        }
        float[] s = scales.clone();
        Activations.forEachChunk(output.elementCount(), (offset, count) -> KERNELS.sum(segments, s, out, offset, count));
    }
}
