package dev.jdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.engine.onednn.OneDnn;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchConvCommandTest {

    @Test
    void convBenchWritesJsonWithOneRowPerLayerAndBackend() throws Exception {
        // both needs oneDNN; without it the Java path alone is measured (a visible narrowing, not a skip).
        String backend = OneDnn.isAvailable() ? "both" : "java";
        CommandRun run = CommandRun.of("bench", "conv", "--backend", backend, "--layers",
                "probe.1x1x1,vgg16.features.24", "--batch", "2", "--threads", "1", "--warmup", "0", "--iterations",
                "3", "--format", "json");
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertEquals("conv", root.get("benchmark").asText());
        assertEquals(2, root.get("batch").asInt());
        assertEquals(3, root.get("iterations").asInt());
        List<String> backends = OneDnn.isAvailable() ? List.of("onednn", "java") : List.of("java");
        JsonNode results = root.get("results");
        assertEquals(2 * backends.size(), results.size(), results.toString());
        for (int i = 0; i < results.size(); i++) {
            JsonNode row = results.get(i);
            assertEquals(i < backends.size() ? "probe.1x1x1" : "vgg16.features.24", row.get("layer").asText());
            assertEquals(backends.get(i % backends.size()), row.get("backend").asText());
            assertEquals(3, row.get("calls").asLong());
            assertTrue(!row.get("implementation").asText().isEmpty(), row.toString());
            double p50 = row.get("latency_ms").get("p50").asDouble();
            double p99 = row.get("latency_ms").get("p99").asDouble();
            assertTrue(p50 > 0 && p99 >= p50, "p50 " + p50 + ", p99 " + p99);
            assertTrue(row.get("gflops").get("p50").asDouble() > 0, row.toString());
            if (i % backends.size() == 1) {
                assertTrue(row.get("ratio_to_onednn").asDouble() > 0, row.toString());
            }
        }
        JsonNode totals = root.get("totals");
        assertEquals(backends.size(), totals.size());
        for (JsonNode total : totals) {
            assertEquals(2, total.get("layers").asInt());
            assertTrue(total.get("ms_p50").asDouble() > 0 && total.get("gflops_p50").asDouble() > 0, total.toString());
        }
        assertTrue(run.err().contains("conv probe.1x1x1 (1x1x1-1-1-1-0, batch 2): measuring 3 runs"), run.err());
    }

    @Test
    void convBenchTextHasARowPerBackendAndTheTotal() {
        CommandRun run = CommandRun.of("bench", "conv", "--backend", "java", "--layers", "probe.1x1x1", "--threads",
                "1", "--warmup", "0", "--time", "0.02");
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertTrue(run.out().contains("GFLOP/s p50"), run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("probe.1x1x1 ") && l.contains(" java ")), run.out());
        assertTrue(run.out().contains("total java    1 layers as the model runs them"), run.out());
    }

    @Test
    void unknownLayerIsAUsageErrorListingTheChoices() {
        CommandRun run = CommandRun.of("bench", "conv", "--layers", "resnet50.conv9");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--layers: unknown conv layer 'resnet50.conv9': expected resnet50, vgg16, all"),
                run.err());
    }

    @Test
    void timeAndIterationsTogetherAreAUsageError() {
        CommandRun run = CommandRun.of("bench", "conv", "--time", "1", "--iterations", "3");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("give --time or --iterations, not both"), run.err());
    }
}
