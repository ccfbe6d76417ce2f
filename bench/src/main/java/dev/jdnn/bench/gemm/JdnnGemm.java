package dev.jdnn.bench.gemm;

import dev.jdnn.engine.kernel.Sgemm;

/** jdnn's SGEMM ({@link Sgemm}) on the benchmark's operands. */
public final class JdnnGemm implements GemmImplementation {

    @Override
    public String name() {
        return "jdnn";
    }

    @Override
    public void multiply(GemmOperands operands) {
        GemmShape shape = operands.shape();
        Sgemm.sgemm(false, false, shape.m(), shape.n(), shape.k(), 1f, operands.a(), 0, shape.k(), operands.b(), 0,
                shape.n(), 0f, operands.c(), 0, shape.n());
    }
}
