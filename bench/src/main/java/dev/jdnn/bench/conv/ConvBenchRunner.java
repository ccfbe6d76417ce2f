package dev.jdnn.bench.conv;

import dev.jdnn.bench.timing.Alternation;
import dev.jdnn.bench.timing.Latency;
import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.Conv2dForward;
import dev.jdnn.engine.backend.Conv2dSpec;
import dev.jdnn.engine.onednn.OneDnnConv2dForward;
import dev.jdnn.engine.parallel.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Times forward convolutions on one or more backends side by side: for each layer, each backend compiles the
 * convolution (primitive creation is not timed), all warm up in alternation, each result is checked against the
 * formula ({@link ConvOperands#check}), then runs alternate (A B A B …) with every run's time in an HdrHistogram.
 * The operands are plain NCHW tensors, so a oneDNN run includes its reorders, as any caller of the backend pays them.
 */
public final class ConvBenchRunner {

    private final List<Backend> backends;
    private final Consumer<String> progress;

    /**
     * @param backends the backends to compare, first one the reference of the ratios; the caller owns and closes them
     * @param progress receives one line per phase (the CLI prints it on stderr)
     */
    public ConvBenchRunner(List<Backend> backends, Consumer<String> progress) {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("conv benchmark: no backend to measure");
        }
        this.backends = List.copyOf(backends);
        this.progress = progress;
    }

    public List<ConvMeasurement> run(ConvBenchConfig config) {
        List<ConvMeasurement> results = new ArrayList<>();
        for (ConvLayer layer : config.layers()) {
            Conv2dSpec spec = layer.spec(config.batch());
            try (ConvOperands operands = new ConvOperands(spec, 42)) {
                results.addAll(measure(layer, operands, config));
            }
        }
        return results;
    }

    private List<ConvMeasurement> measure(ConvLayer layer, ConvOperands operands, ConvBenchConfig config) {
        List<Conv2dForward> forwards = backends.stream().map(b -> b.conv2dForward(operands.spec())).toList();
        List<Runnable> calls = forwards.stream().<Runnable>map(f -> () -> f.run(operands.input(), operands.weight(),
                operands.bias(), operands.output())).toList();
        String what = "conv " + layer.name() + " (" + layer.shape() + ", batch " + config.batch() + ")";
        progress.accept(what + ": warming up for " + config.timing().warmup().toMillis() + " ms");
        Alternation.warmUp(calls, config.timing());
        for (int i = 0; i < calls.size(); i++) {
            operands.resetOutput();
            calls.get(i).run();
            operands.check(backends.get(i).name());
        }

        progress.accept(what + ": measuring " + (config.timing().measure().isZero()
                ? config.timing().minIterations() + " runs" : "for " + config.timing().measure().toMillis() + " ms"));
        List<Latency> latencies = Alternation.measure(calls, config.timing());
        double flops = layer.flops(config.batch());
        double firstGflops = latencies.getFirst().gflopsP50(flops);
        List<ConvMeasurement> measurements = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            Latency latency = latencies.get(i);
            measurements.add(new ConvMeasurement(layer, config.batch(), backends.get(i).name(),
                    implementation(forwards.get(i)), Parallel.threads(), latency, latency.gflopsP50(flops),
                    latency.gflopsP99(flops), latency.gflopsBest(flops),
                    i == 0 ? Double.NaN : latency.gflopsP50(flops) / firstGflops));
        }
        return measurements;
    }

    /** oneDNN's implementation name, or the Java path (also where oneDNN fell back to it). */
    private static String implementation(Conv2dForward forward) {
        return forward instanceof OneDnnConv2dForward onednn ? onednn.implementation() : "java:sgemm";
    }
}
