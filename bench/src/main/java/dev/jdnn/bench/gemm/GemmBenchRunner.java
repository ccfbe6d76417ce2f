package dev.jdnn.bench.gemm;

import dev.jdnn.bench.timing.Alternation;
import dev.jdnn.bench.timing.Latency;
import dev.jdnn.engine.parallel.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Times SGEMM implementations side by side: for each product, all implementations warm up, each is checked against
 * a double-precision spot check, then they run in alternation (A B A B …) so that both see the same machine state on
 * these shared cores; every call's time goes into an HdrHistogram.
 */
public final class GemmBenchRunner {

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
        List<Runnable> calls = implementations.stream().<Runnable>map(i -> () -> i.multiply(operands)).toList();
        progress.accept("gemm " + shape + ": warming up for " + config.timing().warmup().toMillis() + " ms");
        Alternation.warmUp(calls, config.timing());
        for (GemmImplementation implementation : implementations) {
            operands.clearC();
            implementation.multiply(operands);
            operands.check(implementation.name());
        }

        progress.accept("gemm " + shape + ": measuring for " + config.timing().measure().toMillis() + " ms");
        List<Latency> latencies = Alternation.measure(calls, config.timing());
        double flops = shape.flops();
        double firstGflops = latencies.getFirst().gflopsP50(flops);
        List<GemmMeasurement> measurements = new ArrayList<>();
        for (int i = 0; i < implementations.size(); i++) {
            Latency latency = latencies.get(i);
            measurements.add(new GemmMeasurement(shape, implementations.get(i).name(), Parallel.threads(),
                    latency.calls(), latency.p50Ms(), latency.p99Ms(), latency.minMs(), latency.gflopsP50(flops),
                    latency.gflopsP99(flops), latency.gflopsBest(flops),
                    i == 0 ? Double.NaN : latency.gflopsP50(flops) / firstGflops));
        }
        return measurements;
    }
}
