package dev.jdnn.bench.gemm;

/** One SGEMM under test: jdnn's own, and (once the oneDNN backend lands) oneDNN's {@code dnnl_sgemm}. */
public interface GemmImplementation {

    /** Short name for reports: {@code jdnn}, {@code onednn}. */
    String name();

    /** {@code C = A · B} on the operands (row-major, no transposes, alpha 1, beta 0). */
    void multiply(GemmOperands operands);
}
