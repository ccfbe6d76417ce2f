package dev.jdnn.bench.gemm;

import dev.jdnn.bench.timing.Timing;
import java.util.List;

/**
 * What {@link GemmBenchRunner} measures: the products, and how each warms up (long enough for the JIT to finish
 * compiling the micro-kernel) and is timed.
 */
public record GemmBenchConfig(List<GemmShape> shapes, Timing timing) {

    public GemmBenchConfig {
        shapes = List.copyOf(shapes);
        if (shapes.isEmpty()) {
            throw new IllegalArgumentException("gemm benchmark: give at least one size");
        }
    }
}
