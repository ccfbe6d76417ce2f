package dev.jdnn.bench.gemm;

/**
 * The timing of one implementation on one product: per-call latency percentiles and the GFLOP/s they correspond to,
 * and, for every implementation after the first, its median speed relative to the first one's in the same run.
 *
 * @param ratioToFirst {@code gflopsP50 / first.gflopsP50}, or {@code NaN} for the first implementation
 */
public record GemmMeasurement(GemmShape shape, String implementation, int threads, long iterations, double p50Ms,
                              double p99Ms, double minMs, double gflopsP50, double gflopsP99, double gflopsBest,
                              double ratioToFirst) {
}
