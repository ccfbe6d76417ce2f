package dev.jdnn.bench.gemm;

import java.time.Duration;
import java.util.List;

/**
 * What {@link GemmBenchRunner} measures: the products, how long each warms up (long enough for the JIT to finish
 * compiling the micro-kernel), and how long it is timed, with a floor on timed iterations.
 */
public record GemmBenchConfig(List<GemmShape> shapes, Duration warmup, Duration measure, int minIterations) {

    public GemmBenchConfig {
        shapes = List.copyOf(shapes);
        if (shapes.isEmpty()) {
            throw new IllegalArgumentException("gemm benchmark: give at least one size");
        }
        if (warmup.isNegative() || measure.isNegative() || measure.isZero()) {
            throw new IllegalArgumentException(
                    "gemm benchmark: warm-up must be >= 0 and measuring time > 0, got " + warmup + " and " + measure);
        }
        if (minIterations < 1) {
            throw new IllegalArgumentException("gemm benchmark: minimum iterations must be >= 1, got " + minIterations);
        }
    }
}
