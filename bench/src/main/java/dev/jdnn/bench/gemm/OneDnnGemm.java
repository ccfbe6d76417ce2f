package dev.jdnn.bench.gemm;

import dev.jdnn.engine.onednn.OneDnn;

/** oneDNN's {@code dnnl_sgemm} on the benchmark's operands, for comparison in the same run. */
public final class OneDnnGemm implements GemmImplementation {

    @Override
    public String name() {
        return "onednn";
    }

    @Override
    public void multiply(GemmOperands operands) {
        GemmShape shape = operands.shape();
        OneDnn.sgemm(false, false, shape.m(), shape.n(), shape.k(), 1f, operands.a(), 0, shape.k(), operands.b(), 0,
                shape.n(), 0f, operands.c(), 0, shape.n());
    }
}
