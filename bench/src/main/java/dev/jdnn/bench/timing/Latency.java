package dev.jdnn.bench.timing;

import org.HdrHistogram.Histogram;

/** Per-call latencies of one implementation on one case: how many calls were timed, and their p50, p99 and minimum. */
public record Latency(long calls, double p50Ms, double p99Ms, double minMs) {

    /** The summary of a histogram of nanoseconds. */
    public static Latency of(Histogram nanos) {
        return new Latency(nanos.getTotalCount(), nanos.getValueAtPercentile(50) / 1e6,
                nanos.getValueAtPercentile(99) / 1e6, nanos.getMinValue() / 1e6);
    }

    /** GFLOP/s at the median: {@code flops} per call over the p50 time. */
    public double gflopsP50(double flops) {
        return flops / (p50Ms * 1e6);
    }

    /** GFLOP/s at the 99th percentile of time (the slow calls). */
    public double gflopsP99(double flops) {
        return flops / (p99Ms * 1e6);
    }

    /** GFLOP/s of the fastest call. */
    public double gflopsBest(double flops) {
        return flops / (minMs * 1e6);
    }
}
