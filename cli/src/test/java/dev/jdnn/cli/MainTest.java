package dev.jdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.engine.onednn.OneDnn;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest {

    private static CommandRun run(String... args) {
        return CommandRun.of(args);
    }

    @Test
    void helpListsTheCommands() {
        CommandRun run = run("--help");
        assertEquals(ExitCodes.OK, run.exitCode());
        assertTrue(run.out().contains("bench"), run.out());
    }

    @Test
    void versionNamesJdnnAndJava() {
        CommandRun run = run("--version");
        assertEquals(ExitCodes.OK, run.exitCode());
        assertTrue(run.out().startsWith("jdnn "), run.out());
        assertTrue(run.out().contains("Java 25"), run.out());
    }

    @Test
    void unknownOptionIsAUsageError() {
        CommandRun run = run("bench", "gemm", "--sizes", "64");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("Unknown options: '--sizes'") && run.err().contains("Possible solutions: --size"), run.err());
    }

    @Test
    void badSizeIsAUsageErrorThatSaysWhatIsExpected() {
        CommandRun run = run("bench", "gemm", "--size", "64x0x3");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--size: GEMM sizes must be positive, got m=64 n=0 k=3"), run.err());
        CommandRun words = run("bench", "gemm", "--size", "big");
        assertEquals(ExitCodes.USAGE, words.exitCode());
        assertTrue(words.err().contains("a GEMM size is N (square) or MxNxK"), words.err());
    }

    @Test
    void badThreadCountIsAUsageError() {
        CommandRun run = run("bench", "gemm", "--threads", "0");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--threads must be between 1 and 1024, got 0"), run.err());
    }

    @Test
    void gemmBenchWritesJsonWithOneRowPerSize() throws Exception {
        CommandRun run = run("bench", "gemm", "--size", "64,17x33x9", "--threads", "1", "--warmup", "0", "--time", "0.05",
                "--min-iterations", "2", "--format", "json");
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertEquals("gemm", root.get("benchmark").asText());
        assertEquals(1, root.get("threads").asInt());
        JsonNode results = root.get("results");
        // jdnn's row, then oneDNN's on the same operands when oneDNN loads (it does wherever the build runs).
        List<String> implementations = OneDnn.isAvailable() ? List.of("jdnn", "onednn") : List.of("jdnn");
        assertEquals(2 * implementations.size(), results.size(), results.toString());
        for (int i = 0; i < results.size(); i++) {
            JsonNode row = results.get(i);
            assertEquals(i < implementations.size() ? "64" : "17x33x9", row.get("size").asText());
            assertEquals(implementations.get(i % implementations.size()), row.get("implementation").asText());
            assertTrue(row.get("calls").asLong() >= 2);
            double p50 = row.get("latency_ms").get("p50").asDouble();
            double p99 = row.get("latency_ms").get("p99").asDouble();
            assertTrue(p50 > 0 && p99 >= p50, "p50 " + p50 + ", p99 " + p99);
            assertTrue(row.get("gflops").get("p50").asDouble() > 0);
            if (i % implementations.size() == 1) {
                assertTrue(row.get("ratio_to_jdnn").asDouble() > 0, row.toString());
            }
        }
        assertTrue(run.err().contains("gemm 64: measuring"), run.err());
    }

    @Test
    void doctorReportsOneDnnAndTheVectorApi() {
        CommandRun run = run("doctor");
        assertTrue(run.out().contains("Vector API:"), run.out());
        assertTrue(run.out().contains("oneDNN:"), run.out());
        if (OneDnn.isAvailable()) {
            assertTrue(run.out().contains("oneDNN:                3.11.0"), run.out());
            assertTrue(run.out().contains("oneDNN dispatches to:"), run.out());
        } else {
            assertEquals(ExitCodes.FAILURE, run.exitCode());
            assertTrue(run.err().contains("problem: oneDNN:"), run.err());
        }
    }

    @Test
    void gemmBenchTextHasAHeaderAndARow() {
        CommandRun run = run("bench", "gemm", "--size", "32", "--threads", "1", "--warmup", "0", "--time", "0.02");
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertTrue(run.out().contains("GFLOP/s p50"), run.out());
        assertTrue(run.out().lines().anyMatch(line -> line.startsWith("32 ") && line.contains("jdnn")), run.out());
    }
}
