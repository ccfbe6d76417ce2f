package dev.jdnn.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jdnn.bench.MachineInfo;
import dev.jdnn.bench.conv.ConvBenchConfig;
import dev.jdnn.bench.conv.ConvBenchRunner;
import dev.jdnn.bench.conv.ConvLayer;
import dev.jdnn.bench.conv.ConvLayers;
import dev.jdnn.bench.conv.ConvMeasurement;
import dev.jdnn.bench.conv.ConvTotal;
import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.Backends;
import dev.jdnn.engine.onednn.OneDnn;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code jdnn bench conv}: forward convolution speed on the layers of ResNet-50 and VGG-16. */
@Command(name = "conv",
        mixinStandardHelpOptions = true,
        description = "Measure forward convolution (f32, NCHW tensors, bias and the post-op an inference compiler "
                + "fuses) on the distinct convolutions of ResNet-50 and VGG-16 at 224×224, on the Java path (jdnn's "
                + "SGEMM over the image's shifted rows), oneDNN's primitive, or both in alternation (turns of --turn "
                + "seconds: oneDNN, Java, oneDNN, ...) with Java's speed relative to oneDNN's. Each layer warms up, "
                + "is checked against the formula in double, then is timed run by run; the report gives the median "
                + "(p50) and p99 latency, the GFLOP/s they correspond to (2·MACs per run), and the model's total "
                + "(each layer counted as often as the model runs it).",
        sortOptions = false)
final class BenchConvCommand implements Callable<Integer> {

    /** What {@code --backend} takes. */
    enum BackendChoice { auto, java, onednn, both }

    @Spec
    CommandSpec spec;

    @Option(names = "--backend", paramLabel = "BACKEND",
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: both where oneDNN loads, else java "
                    + "after a warning; both and onednn need oneDNN).",
            defaultValue = "auto")
    BackendChoice backend;

    @Option(names = "--layers", paramLabel = "LAYERS",
            description = "resnet50, vgg16, all, or layer names (resnet50.layer1.0.conv2, vgg16.features.12, "
                    + "probe.1x1x1, ...), comma-separated (default: ${DEFAULT-VALUE}).",
            defaultValue = "resnet50")
    String layers;

    @Option(names = "--batch", paramLabel = "N", description = "Images per run (default: ${DEFAULT-VALUE}).",
            defaultValue = "1")
    int batch;

    @Mixin
    ThreadsOption threads;

    @Mixin
    TimingOptions timing;

    @Mixin
    ReportOptions report;

    @Override
    public Integer call() throws Exception {
        ConvBenchConfig config = config();
        int threadCount = threads.apply();
        List<String> names = switch (backend) {
            case java -> List.of("java");
            case onednn -> List.of("onednn");
            case both -> List.of("onednn", "java");
            case auto -> {
                if (OneDnn.isAvailable()) {
                    yield List.of("onednn", "java");
                }
                spec.commandLine().getErr().println("jdnn: oneDNN is not available, so only the Java path is "
                        + "measured: " + OneDnn.status().reason());
                yield List.of("java");
            }
        };
        List<Backend> backends = new ArrayList<>();
        try {
            for (String name : names) {
                backends.add(Backends.select(name));
            }
            List<ConvMeasurement> results = new ConvBenchRunner(backends, report.progress()).run(config);
            MachineInfo machine = MachineInfo.current();
            report.print(() -> json(results, machine, threadCount, config),
                    out -> printText(out, results, machine, threadCount, config));
            return ExitCodes.OK;
        } finally {
            backends.forEach(Backend::close);
        }
    }

    private ConvBenchConfig config() {
        List<ConvLayer> selected;
        try {
            selected = ConvLayers.select(layers);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--layers: " + e.getMessage());
        }
        if (batch < 1) {
            throw new ParameterException(spec.commandLine(), "--batch must be >= 1, got " + batch);
        }
        return new ConvBenchConfig(selected, batch, timing.timing(1, 2));
    }

    private static void printText(PrintWriter out, List<ConvMeasurement> results, MachineInfo machine, int threads,
                                  ConvBenchConfig config) {
        out.println("conv2d forward f32, NCHW tensors, batch " + config.batch() + "; " + threads + " thread"
                + (threads == 1 ? "" : "s"));
        out.println("machine: " + machine);
        out.printf(Locale.ROOT, "%-32s %-20s %-7s %6s %10s %10s %12s %12s  %s%n", "layer", "shape", "backend",
                "runs", "p50 ms", "p99 ms", "GFLOP/s p50", "GFLOP/s p99", "implementation");
        for (ConvMeasurement m : results) {
            out.printf(Locale.ROOT, "%-32s %-20s %-7s %6d %10.4f %10.4f %12.1f %12.1f  %s%s%n", m.layer().name(),
                    m.layer().shape(), m.backend(), m.latency().calls(), m.latency().p50Ms(), m.latency().p99Ms(),
                    m.gflopsP50(), m.gflopsP99(), m.implementation(), Double.isNaN(m.ratioToFirst()) ? ""
                            : String.format(Locale.ROOT, "   (%.2f× of %s)", m.ratioToFirst(),
                            results.getFirst().backend()));
        }
        List<ConvTotal> totals = ConvTotal.of(results);
        for (ConvTotal total : totals) {
            out.printf(Locale.ROOT, "total %-7s %d layers as the model runs them: %.3f ms at p50, %.1f GFLOP/s%s%n",
                    total.backend(), total.layers(), total.msP50(), total.gflopsP50(), total == totals.getFirst()
                            ? "" : String.format(Locale.ROOT, "   (%.2f× of %s)",
                            total.gflopsP50() / totals.getFirst().gflopsP50(), totals.getFirst().backend()));
        }
    }

    private static String json(List<ConvMeasurement> results, MachineInfo machine, int threads,
                               ConvBenchConfig config) throws Exception {
        ObjectNode root = BenchJson.root("conv", threads, config.timing(), machine);
        root.put("batch", config.batch());
        String first = results.getFirst().backend();
        ArrayNode rows = root.putArray("results");
        for (ConvMeasurement m : results) {
            ObjectNode row = rows.addObject();
            row.put("layer", m.layer().name());
            row.put("model", m.layer().model());
            row.put("shape", m.layer().shape());
            row.put("occurrences", m.layer().occurrences());
            row.put("post_op", m.layer().postOp().name().toLowerCase(Locale.ROOT));
            row.put("backend", m.backend());
            row.put("implementation", m.implementation());
            BenchJson.putTimes(row, m.latency().calls(), m.latency().p50Ms(), m.latency().p99Ms(),
                    m.latency().minMs(), m.gflopsP50(), m.gflopsP99(), m.gflopsBest());
            if (!Double.isNaN(m.ratioToFirst())) {
                row.put("ratio_to_" + first, m.ratioToFirst());
            }
        }
        ArrayNode totals = root.putArray("totals");
        for (ConvTotal total : ConvTotal.of(results)) {
            ObjectNode row = totals.addObject();
            row.put("backend", total.backend());
            row.put("layers", total.layers());
            row.put("ms_p50", total.msP50());
            row.put("gflops_p50", total.gflopsP50());
        }
        return BenchJson.write(root);
    }
}
