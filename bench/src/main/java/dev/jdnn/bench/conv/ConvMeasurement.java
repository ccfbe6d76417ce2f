package dev.jdnn.bench.conv;

import dev.jdnn.bench.timing.Latency;

/**
 * The timing of one backend on one layer: per-run latency and the GFLOP/s it corresponds to ({@code 2·MACs} per
 * run), and for every backend after the first its median speed relative to the first one's in the same run.
 *
 * @param implementation what ran: oneDNN's implementation name ({@code brg_conv_fwd:avx512_core}), or the Java path
 * @param ratioToFirst   {@code gflopsP50 / first.gflopsP50}, or {@code NaN} for the first backend
 */
public record ConvMeasurement(ConvLayer layer, int batch, String backend, String implementation, int threads,
                              Latency latency, double gflopsP50, double gflopsP99, double gflopsBest,
                              double ratioToFirst) {
}
