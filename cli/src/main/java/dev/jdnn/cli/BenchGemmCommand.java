package dev.jdnn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jdnn.bench.MachineInfo;
import dev.jdnn.bench.gemm.GemmBenchConfig;
import dev.jdnn.bench.gemm.GemmBenchRunner;
import dev.jdnn.bench.gemm.GemmImplementation;
import dev.jdnn.bench.gemm.GemmMeasurement;
import dev.jdnn.bench.gemm.GemmShape;
import dev.jdnn.bench.gemm.JdnnGemm;
import dev.jdnn.bench.gemm.OneDnnGemm;
import dev.jdnn.engine.onednn.OneDnn;
import java.io.PrintWriter;
import java.time.Duration;
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

/** {@code jdnn bench gemm}: SGEMM speed on synthetic off-heap operands. */
@Command(name = "gemm",
        mixinStandardHelpOptions = true,
        description = {
            "Measure jdnn's SGEMM (C = A·B, f32, row-major, off-heap operands) in GFLOP/s, beside oneDNN's",
            "dnnl_sgemm on the same operands when oneDNN is available (calls alternate: jdnn, oneDNN, jdnn, ...).",
            "Each size warms up, is checked against a double-precision spot check, then is timed call by call;",
            "the report gives the median (p50) and p99 latency, the GFLOP/s they correspond to, and oneDNN's speed",
            "relative to jdnn's."},
        sortOptions = false)
final class BenchGemmCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--size", paramLabel = "N|MxNxK", split = ",",
            description = "Products to time: N for N×N×N, or MxNxK; a comma-separated list (default: ${DEFAULT-VALUE}).",
            defaultValue = "1024,2048")
    List<String> sizes;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--warmup", paramLabel = "SECONDS",
            description = "Warm-up time per size, long enough for the JIT to compile the kernels (default: ${DEFAULT-VALUE}).",
            defaultValue = "3")
    double warmupSeconds;

    @Option(names = "--time", paramLabel = "SECONDS",
            description = "Timed run per size (default: ${DEFAULT-VALUE}).", defaultValue = "5")
    double timeSeconds;

    @Option(names = "--min-iterations", paramLabel = "N",
            description = "Timed calls per size at least, even past --time (default: ${DEFAULT-VALUE}).",
            defaultValue = "5")
    int minIterations;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).", defaultValue = "text")
    OutputFormat format;

    @Override
    public Integer call() throws Exception {
        GemmBenchConfig config = config();
        int threadCount = threads.apply();
        PrintWriter err = spec.commandLine().getErr();
        List<GemmImplementation> implementations = new ArrayList<>(List.of(new JdnnGemm()));
        if (OneDnn.isAvailable()) {
            implementations.add(new OneDnnGemm());
        } else {
            err.println("jdnn: oneDNN is not available, so only jdnn's SGEMM is measured: " + OneDnn.status().reason());
        }
        GemmBenchRunner runner = new GemmBenchRunner(implementations, line -> {
            err.println("jdnn: " + line);
            err.flush();
        });
        List<GemmMeasurement> results = runner.run(config);
        MachineInfo machine = MachineInfo.current();
        PrintWriter out = spec.commandLine().getOut();
        if (format == OutputFormat.json) {
            out.println(json(results, machine, threadCount, config));
        } else {
            printText(out, results, machine, threadCount);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private GemmBenchConfig config() {
        List<GemmShape> shapes = new ArrayList<>();
        for (String size : sizes) {
            try {
                shapes.add(GemmShape.parse(size));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--size: " + e.getMessage());
            }
        }
        if (!(warmupSeconds >= 0) || !(timeSeconds > 0)) {
            throw new ParameterException(spec.commandLine(),
                    "--warmup must be >= 0 and --time > 0 seconds, got " + warmupSeconds + " and " + timeSeconds);
        }
        if (minIterations < 1) {
            throw new ParameterException(spec.commandLine(), "--min-iterations must be >= 1, got " + minIterations);
        }
        return new GemmBenchConfig(shapes, seconds(warmupSeconds), seconds(timeSeconds), minIterations);
    }

    private static Duration seconds(double seconds) {
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    private static void printText(PrintWriter out, List<GemmMeasurement> results, MachineInfo machine, int threads) {
        out.println("SGEMM f32, row-major, off-heap operands; " + threads + " thread" + (threads == 1 ? "" : "s"));
        out.println("machine: " + machine);
        out.printf(Locale.ROOT, "%-16s %-8s %7s %10s %10s %12s %12s %12s%n", "size", "impl", "calls", "p50 ms",
                "p99 ms", "GFLOP/s p50", "GFLOP/s p99", "GFLOP/s max");
        for (GemmMeasurement m : results) {
            out.printf(Locale.ROOT, "%-16s %-8s %7d %10.3f %10.3f %12.1f %12.1f %12.1f%s%n", m.shape(),
                    m.implementation(), m.iterations(), m.p50Ms(), m.p99Ms(), m.gflopsP50(), m.gflopsP99(),
                    m.gflopsBest(), Double.isNaN(m.ratioToFirst()) ? "" : String.format(Locale.ROOT,
                            "   (%.2f× of %s)", m.ratioToFirst(), results.getFirst().implementation()));
        }
    }

    private static String json(List<GemmMeasurement> results, MachineInfo machine, int threads, GemmBenchConfig config)
            throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("benchmark", "gemm");
        root.put("dtype", "f32");
        root.put("threads", threads);
        root.put("warmup_s", config.warmup().toMillis() / 1000.0);
        root.put("time_s", config.measure().toMillis() / 1000.0);
        root.set("machine", mapper.valueToTree(machine));
        ArrayNode rows = root.putArray("results");
        for (GemmMeasurement m : results) {
            ObjectNode row = rows.addObject();
            row.put("size", m.shape().toString());
            row.put("m", m.shape().m());
            row.put("n", m.shape().n());
            row.put("k", m.shape().k());
            row.put("implementation", m.implementation());
            row.put("calls", m.iterations());
            ObjectNode latency = row.putObject("latency_ms");
            latency.put("p50", m.p50Ms());
            latency.put("p99", m.p99Ms());
            latency.put("min", m.minMs());
            ObjectNode gflops = row.putObject("gflops");
            gflops.put("p50", m.gflopsP50());
            gflops.put("p99", m.gflopsP99());
            gflops.put("max", m.gflopsBest());
            if (!Double.isNaN(m.ratioToFirst())) {
                row.put("ratio_to_" + results.getFirst().implementation(), m.ratioToFirst());
            }
        }
        return mapper.writeValueAsString(root);
    }
}
