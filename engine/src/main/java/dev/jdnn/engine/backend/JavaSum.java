package dev.jdnn.engine.backend;

import dev.jdnn.engine.kernel.WeightedSum;
import dev.jdnn.engine.tensor.Tensor;
import java.util.List;

/**
 * The scaled sum on the vectorized {@link WeightedSum} kernel: one pass over memory, the first term's product then one
 * fused multiply-add per further input. Holds no memory.
 */
final class JavaSum implements Sum, AutoCloseable {

    private final SumSpec spec;
    private final float[] scales;
    private volatile boolean closed;

    JavaSum(SumSpec spec) {
        this.spec = spec;
        this.scales = new float[spec.inputCount()];
        for (int i = 0; i < scales.length; i++) {
            scales[i] = spec.scales().get(i);
        }
    }

    @Override
    public SumSpec spec() {
        return spec;
    }

    @Override
    public void run(List<Tensor> inputs, Tensor output) {
        SumArguments.check(spec, inputs, output);
        if (closed) {
            throw new IllegalStateException("sum: this Java sum " + spec + " was used after close()");
        }
        WeightedSum.sum(inputs, scales, output);
    }

    @Override
    public void close() {
        closed = true;
    }
}
