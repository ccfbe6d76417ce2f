package dev.jdnn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jdnn.bench.MachineInfo;
import dev.jdnn.bench.model.ModelBenchConfig;
import dev.jdnn.bench.model.ModelBenchRunner;
import dev.jdnn.bench.model.ModelMeasurement;
import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.Backends;
import dev.jdnn.zoo.ModelInfo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code jdnn bench MODEL} and {@code jdnn bench <target>}: benchmarks; results on stdout, progress on stderr. */
@Command(name = "bench",
        header = "Benchmark a zoo model (jdnn bench resnet50), SGEMM or convolution layers.",
        mixinStandardHelpOptions = true,
        description = {
            "Measure speed on synthetic data, no data set needed. jdnn bench MODEL runs a zoo model (resnet50, ...)",
            "through an inference session: latency p50/p90/p99/max per call, throughput, compile time, the first",
            "call, heap bytes allocated per call and peak RSS, per batch size; --concurrency K callers share the",
            "session. Subcommands: gemm (SGEMM), conv (convolution layers)."},
        subcommands = {BenchGemmCommand.class, BenchConvCommand.class},
        sortOptions = false)
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "A zoo key (jdnn zoo lists them).")
    String model;

    @Option(names = "--batch", paramLabel = "N[,N...]", split = ",",
            description = "Batch sizes, each measured in turn (default: 1).")
    List<Integer> batches = new ArrayList<>(List.of(1));

    @Option(names = "--backend", paramLabel = "BACKEND",
            description = "auto, java or onednn (default: ${DEFAULT-VALUE}: oneDNN where it loads).",
            defaultValue = "auto")
    String backend;

    @Option(names = "--input", paramLabel = "CxHxW", description = "Input size (default: the model's).")
    String input;

    @Option(names = "--concurrency", paramLabel = "K",
            description = "Caller threads sharing one session (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    int concurrency;

    @Mixin
    ThreadsOption threads;

    @Mixin
    TimingOptions timing;

    @Mixin
    ReportOptions report;

    @Override
    public Integer call() throws Exception {
        if (model == null) {
            spec.commandLine().usage(spec.commandLine().getErr());
            return ExitCodes.USAGE;
        }
        ModelInfo info = ZooKeys.info(spec, model);
        int[] chw = input == null ? new int[] {info.channels(), info.height(), info.width()}
                : InputSizes.parse(spec, input);
        if (concurrency < 1) {
            throw new ParameterException(spec.commandLine(), "--concurrency must be at least 1, got " + concurrency);
        }
        if (batches.stream().anyMatch(b -> b == null || b < 1)) {
            throw new ParameterException(spec.commandLine(), "--batch sizes must be positive, got " + batches);
        }
        int threadCount = threads.apply();
        String backendName;
        try (Backend probe = Backends.select(backend)) {
            backendName = probe.name();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        ModelBenchConfig config = new ModelBenchConfig(model, backend, batches, chw[0], chw[1], chw[2], concurrency,
                timing.timing(2, 10));
        List<ModelMeasurement> results = ModelBenchRunner.run(config, report.progress());
        String inputText = chw[0] + "x" + chw[1] + "x" + chw[2];
        report.print(() -> json(results, backendName, threadCount, inputText),
                out -> text(out, results, backendName, threadCount, inputText));
        return ExitCodes.OK;
    }

    private void text(PrintWriter out, List<ModelMeasurement> results, String backendName, int threadCount,
                      String inputText) {
        out.printf(Locale.ROOT, "%s f32, input %s, backend %s, %d thread%s, concurrency %d; %s%n", model, inputText,
                backendName, threadCount, threadCount == 1 ? "" : "s", concurrency, MachineInfo.current());
        out.printf(Locale.ROOT, "%6s %8s %9s %9s %9s %9s %11s %10s %10s %11s %9s%n", "batch", "calls", "p50 ms",
                "p90 ms", "p99 ms", "max ms", "images/s", "compile ms", "first ms", "heap B/call", "RSS MB");
        for (ModelMeasurement m : results) {
            out.printf(Locale.ROOT, "%6d %8d %9.3f %9.3f %9.3f %9.3f %11.1f %10.1f %10.1f %11.0f %9.0f%n", m.batch(),
                    m.calls(), m.p50Ms(), m.p90Ms(), m.p99Ms(), m.maxMs(), m.imagesPerSecond(), m.compileMs(),
                    m.firstCallMs(), m.heapBytesPerCall(), m.rssPeakMb());
        }
        out.flush();
    }

    private String json(List<ModelMeasurement> results, String backendName, int threadCount, String inputText)
            throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode array = mapper.createArrayNode();
        for (ModelMeasurement m : results) {
            ObjectNode node = array.addObject();
            node.put("model", model);
            node.put("backend", backendName);
            node.put("dtype", "f32");
            node.put("input", inputText);
            node.put("batch", m.batch());
            node.put("threads", threadCount);
            node.put("concurrency", concurrency);
            ObjectNode latency = node.putObject("latency_ms");
            latency.put("p50", m.p50Ms());
            latency.put("p90", m.p90Ms());
            latency.put("p99", m.p99Ms());
            latency.put("max", m.maxMs());
            node.put("calls", m.calls());
            node.put("throughput_images_per_s", m.imagesPerSecond());
            node.put("first_call_ms", m.firstCallMs());
            node.put("launch_to_first_result_ms", m.launchToFirstMs());
            node.put("compile_ms", m.compileMs());
            node.put("heap_bytes_per_call", m.heapBytesPerCall());
            node.put("rss_peak_mb", m.rssPeakMb());
        }
        return mapper.writeValueAsString(array.size() == 1 ? array.get(0) : array);
    }
}
