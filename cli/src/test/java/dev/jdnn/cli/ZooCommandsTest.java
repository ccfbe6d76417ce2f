package dev.jdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.zoo.ModelInfo;
import dev.jdnn.zoo.Models;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code jdnn zoo}, {@code jdnn summary}, and one training step of every model with {@code jdnn train}. */
class ZooCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void zooListsEveryModel() throws Exception {
        CommandRun run = CommandRun.of("zoo", "--format", "json");
        assertEquals(0, run.exitCode(), run.err());
        Set<String> keys = new HashSet<>();
        for (JsonNode model : JSON.readTree(run.out()).path("models")) {
            keys.add(model.path("key").asText());
            assertEquals(Models.info(model.path("key").asText()).publishedParameters(), model.path("params").asLong(),
                    model.path("key").asText());
        }
        assertEquals(Set.copyOf(Models.keys()), keys);
        CommandRun text = CommandRun.of("zoo");
        assertTrue(text.out().contains("lenet5_28") && text.out().contains("44,426"), text.out());
    }

    @Test
    void summaryGivesLayersAndTotals() throws Exception {
        CommandRun run = CommandRun.of("summary", "lenet5_28", "--format", "json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode root = JSON.readTree(run.out());
        assertEquals(44_426, root.path("params").asLong());
        assertEquals(281_640, root.path("macs").asLong());
        assertEquals(12, root.path("layers").size());
        assertEquals("features.0", root.path("layers").get(0).path("name").asText());
        CommandRun bad = CommandRun.of("summary", "lenet5_28", "--input", "1x20x20");
        assertEquals(ExitCodes.USAGE, bad.exitCode());
        assertTrue(bad.err().contains("lenet5_28 does not take a 1x20x20 input"), bad.err());
        CommandRun unknown = CommandRun.of("summary", "nonet");
        assertEquals(ExitCodes.USAGE, unknown.exitCode());
        assertTrue(unknown.err().contains("no model named 'nonet'"), unknown.err());
    }

    @Test
    void benchModelReportsLatencyThroughputAndMemory() throws Exception {
        CommandRun run = CommandRun.of("bench", "lenet5_28", "--batch", "1,4", "--warmup", "0.2", "--time", "0.3",
                "--concurrency", "2", "--backend", "java", "--format", "json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode results = JSON.readTree(run.out());
        assertEquals(2, results.size());
        JsonNode batch4 = results.get(1);
        assertEquals("lenet5_28", batch4.path("model").asText());
        assertEquals("java", batch4.path("backend").asText());
        assertEquals(4, batch4.path("batch").asInt());
        assertEquals(2, batch4.path("concurrency").asInt());
        for (String field : new String[] {"p50", "p90", "p99", "max"}) {
            assertTrue(batch4.path("latency_ms").path(field).asDouble() > 0, field);
        }
        for (String field : new String[] {"throughput_images_per_s", "first_call_ms", "compile_ms",
            "heap_bytes_per_call", "rss_peak_mb"}) {
            assertTrue(batch4.path(field).isNumber(), field + " in " + batch4);
        }
        CommandRun bad = CommandRun.of("bench", "lenet5_28", "--batch", "0");
        assertEquals(ExitCodes.USAGE, bad.exitCode());
        assertTrue(bad.err().contains("--batch sizes must be positive"), bad.err());
        CommandRun unknown = CommandRun.of("bench", "nonet");
        assertEquals(ExitCodes.USAGE, unknown.exitCode());
        assertTrue(unknown.err().contains("no model named 'nonet'"), unknown.err());
    }

    static java.util.List<String> keys() {
        return Models.keys();
    }

    /**
     * One step on two synthetic images at 64×64 where the model takes it (adaptive pooling before the classifier),
     * else at its native size (the papers' AlexNet and ZFNet).
     */
    @ParameterizedTest
    @MethodSource("keys")
    void everyModelTakesATrainingStep(String key, @TempDir Path dir) {
        ModelInfo info = Models.info(key);
        int size = Math.min(info.height(), 64);
        try {
            ModelTraces.trace(key, info.classes(), info.channels(), size, size);
        } catch (IllegalArgumentException e) {
            size = info.height();
        }
        String input = info.channels() + "x" + size + "x" + size;
        CommandRun run = CommandRun.of("train", key, "--data", "synthetic:2", "--batch", "2", "--epochs", "1",
                "--input", input, "--checkpoint", dir.toString(), "--no-progress", "--lr", "0.001");
        assertEquals(0, run.exitCode(), key + ": " + run.err());
        assertTrue(run.out().contains("epoch 1: train loss "), run.out());
    }
}
