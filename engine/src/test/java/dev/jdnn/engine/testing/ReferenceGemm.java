package dev.jdnn.engine.testing;

/**
 * The SGEMM reference, from the formula {@code C = alpha · op(A) · op(B) + beta · C}, accumulated in double. Returns
 * the exact-ish result and, per element, the magnitude {@code |alpha| Σ|a·b| + |beta·c|} that the f32 error bound
 * scales with.
 */
public final class ReferenceGemm {

    /** The result and the magnitude of its terms, both row-major (m, n). */
    public record Result(double[] values, double[] magnitudes) {
    }

    private ReferenceGemm() {
    }

    /**
     * {@code a} is (m, k) row-major, or (k, m) when {@code transA}; {@code b} is (k, n), or (n, k) when {@code transB};
     * {@code c} is (m, n) and read only when {@code beta != 0}.
     */
    public static Result sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, float[] b,
                               float beta, float[] c) {
        double[] values = new double[m * n];
        double[] magnitudes = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double magnitude = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[p * m + i] : a[i * k + p];
                    double bv = transB ? b[j * k + p] : b[p * n + j];
                    sum += av * bv;
                    magnitude += Math.abs(av * bv);
                }
                double cv = beta == 0f ? 0 : (double) beta * c[i * n + j];
                values[i * n + j] = alpha * sum + cv;
                magnitudes[i * n + j] = Math.abs(alpha) * magnitude + Math.abs(cv);
            }
        }
        return new Result(values, magnitudes);
    }
}
