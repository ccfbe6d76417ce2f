package dev.jdnn.cli;

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
            "dnnl_sgemm on the same operands when oneDNN is available (in turns: jdnn, oneDNN, jdnn, ...).",
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

    @Mixin
    TimingOptions timing;

    @Mixin
    ReportOptions report;

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
        List<GemmMeasurement> results = new GemmBenchRunner(implementations, report.progress()).run(config);
        MachineInfo machine = MachineInfo.current();
        report.print(() -> json(results, machine, threadCount, config),
                out -> printText(out, results, machine, threadCount));
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
        return new GemmBenchConfig(shapes, timing.timing(3, 5));
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
        ObjectNode root = BenchJson.root("gemm", threads, config.timing(), machine);
        ArrayNode rows = root.putArray("results");
        for (GemmMeasurement m : results) {
            ObjectNode row = rows.addObject();
            row.put("size", m.shape().toString());
            row.put("m", m.shape().m());
            row.put("n", m.shape().n());
            row.put("k", m.shape().k());
            row.put("implementation", m.implementation());
            BenchJson.putTimes(row, m.iterations(), m.p50Ms(), m.p99Ms(), m.minMs(), m.gflopsP50(), m.gflopsP99(),
                    m.gflopsBest());
            if (!Double.isNaN(m.ratioToFirst())) {
                row.put("ratio_to_" + results.getFirst().implementation(), m.ratioToFirst());
            }
        }
        return BenchJson.write(root);
    }
}
