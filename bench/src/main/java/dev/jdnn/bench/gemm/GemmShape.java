package dev.jdnn.bench.gemm;

/**
 * The sizes of one benchmarked product {@code C (m, n) = A (m, k) · B (k, n)}. Parsed from {@code N} (square) or
 * {@code MxNxK}, as the CLI's {@code --size} takes it.
 */
public record GemmShape(int m, int n, int k) {

    public GemmShape {
        if (m <= 0 || n <= 0 || k <= 0) {
            throw new IllegalArgumentException("GEMM sizes must be positive, got m=" + m + " n=" + n + " k=" + k);
        }
    }

    /** {@code "1024"} → 1024 × 1024 × 1024; {@code "64x3136x576"} → m = 64, n = 3136, k = 576. */
    public static GemmShape parse(String text) {
        String[] parts = text.trim().toLowerCase(java.util.Locale.ROOT).split("x", -1);
        try {
            if (parts.length == 1) {
                int size = Integer.parseInt(parts[0]);
                return new GemmShape(size, size, size);
            }
            if (parts.length == 3) {
                return new GemmShape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("a GEMM size is N (square) or MxNxK, e.g. 1024 or 64x3136x576; got '" + text + "'");
    }

    /** Floating-point operations of one product: {@code 2·m·n·k}. */
    public double flops() {
        return 2.0 * m * n * k;
    }

    /** {@code 1024} for a square product, else {@code 64x3136x576}. */
    @Override
    public String toString() {
        return m == n && n == k ? Integer.toString(m) : m + "x" + n + "x" + k;
    }
}
