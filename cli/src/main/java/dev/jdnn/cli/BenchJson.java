package dev.jdnn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jdnn.bench.MachineInfo;
import dev.jdnn.bench.timing.Timing;

/** The parts of a benchmark's JSON report every benchmark command writes the same way. */
final class BenchJson {

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BenchJson() {
    }

    /** {@code {"benchmark": name, "dtype": "f32", "threads", "warmup_s", "time_s" or "iterations", "machine"}}. */
    static ObjectNode root(String benchmark, int threads, Timing timing, MachineInfo machine) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("benchmark", benchmark);
        root.put("dtype", "f32");
        root.put("threads", threads);
        root.put("warmup_s", timing.warmup().toMillis() / 1000.0);
        if (timing.measure().isZero()) {
            root.put("iterations", timing.minIterations());
        } else {
            root.put("time_s", timing.measure().toMillis() / 1000.0);
        }
        root.set("machine", MAPPER.valueToTree(machine));
        return root;
    }

    /** {@code "calls", "latency_ms": {p50, p99, min}, "gflops": {p50, p99, max}} on a result row. */
    static void putTimes(ObjectNode row, long calls, double p50Ms, double p99Ms, double minMs, double gflopsP50,
                         double gflopsP99, double gflopsBest) {
        row.put("calls", calls);
        ObjectNode latency = row.putObject("latency_ms");
        latency.put("p50", p50Ms);
        latency.put("p99", p99Ms);
        latency.put("min", minMs);
        ObjectNode gflops = row.putObject("gflops");
        gflops.put("p50", gflopsP50);
        gflops.put("p99", gflopsP99);
        gflops.put("max", gflopsBest);
    }

    static String write(ObjectNode root) throws Exception {
        return MAPPER.writeValueAsString(root);
    }
}
