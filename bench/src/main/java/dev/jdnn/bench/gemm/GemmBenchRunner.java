package dev.jdnn.bench.gemm;

import dev.jdnn.engine.parallel.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Times SGEMM implementations side by side: for each product, all implementations warm up, each is checked against
 * a double-precision spot check, then they run in alternation (A B A B …) so that both see the same machine state on
 * these shared cores; every call's time goes into an HdrHistogram.
 */
public final class GemmBenchRunner {

    private static final long MAX_TRACKED_NANOS = 3_600_000_000_000L;

    private final List<GemmImplementation> implementations;
    private final Consumer<String> progress;

    /** @param progress receives one line per phase (the CLI prints it on stderr) */
    public GemmBenchRunner(List<GemmImplementation> implementations, Consumer<String> progress) {
        if (implementations.isEmpty()) {
            throw new IllegalArgumentException("gemm benchmark: no implementation to measure");
        }
        this.implementations = List.copyOf(implementations);
        this.progress = progress;
    }

    public List<GemmMeasurement> run(GemmBenchConfig config) {
        List<GemmMeasurement> results = new ArrayList<>();
        for (GemmShape shape : config.shapes()) {
            try (GemmOperands operands = new GemmOperands(shape, 42)) {
                results.addAll(measure(operands, config));
            }
        }
        return results;
    }

    private List<GemmMeasurement> measure(GemmOperands operands, GemmBenchConfig config) {
        GemmShape shape = operands.shape();
        progress.accept("gemm " + shape + ": warming up for " + config.warmup().toMillis() + " ms");
        long warmupEnd = System.nanoTime() + config.warmup().toNanos();
        do {
            for (GemmImplementation implementation : implementations) {
                implementation.multiply(operands);
            }
        } while (System.nanoTime() < warmupEnd);
        for (GemmImplementation implementation : implementations) {
            operands.clearC();
            implementation.multiply(operands);
            operands.check(implementation.name());
        }

        progress.accept("gemm " + shape + ": measuring for " + config.measure().toMillis() + " ms");
        List<Histogram> histograms = new ArrayList<>();
        for (int i = 0; i < implementations.size(); i++) {
            histograms.add(new Histogram(MAX_TRACKED_NANOS, 3));
        }
        long measureEnd = System.nanoTime() + config.measure().toNanos();
        long rounds = 0;
        while (rounds < config.minIterations() || System.nanoTime() < measureEnd) {
            for (int i = 0; i < implementations.size(); i++) {
                long start = System.nanoTime();
                implementations.get(i).multiply(operands);
                histograms.get(i).recordValue(Math.min(System.nanoTime() - start, MAX_TRACKED_NANOS));
            }
            rounds++;
        }

        List<GemmMeasurement> measurements = new ArrayList<>();
        double firstGflops = Double.NaN;
        for (int i = 0; i < implementations.size(); i++) {
            Histogram histogram = histograms.get(i);
            double p50Ms = histogram.getValueAtPercentile(50) / 1e6;
            double p99Ms = histogram.getValueAtPercentile(99) / 1e6;
            double minMs = histogram.getMinValue() / 1e6;
            double gflopsP50 = shape.flops() / (p50Ms * 1e6);
            if (i == 0) {
                firstGflops = gflopsP50;
            }
            measurements.add(new GemmMeasurement(shape, implementations.get(i).name(), Parallel.threads(),
                    histogram.getTotalCount(), p50Ms, p99Ms, minMs, gflopsP50, shape.flops() / (p99Ms * 1e6),
                    shape.flops() / (minMs * 1e6), i == 0 ? Double.NaN : gflopsP50 / firstGflops));
        }
        return measurements;
    }
}
