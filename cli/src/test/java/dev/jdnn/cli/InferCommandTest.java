package dev.jdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.engine.io.SafeTensors;
import dev.jdnn.engine.io.SafeTensorsFile;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.zoo.Models;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jdnn infer} on weights and images its test writes. */
class InferCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path weights(Path dir, String key, String name) throws Exception {
        Path file = dir.resolve(name);
        try (Module model = Models.create(key, 10)) {
            model.initialize(7);
            SafeTensors.write(file, model.stateDict(), Map.of());
        }
        return file;
    }

    private static Path image(Path dir, String name, long seed) throws Exception {
        BufferedImage image = new BufferedImage(40, 32, BufferedImage.TYPE_BYTE_GRAY);
        SplittableRandom random = new SplittableRandom(seed);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 40; x++) {
                image.getRaster().setSample(x, y, 0, random.nextInt(256));
            }
        }
        Path file = dir.resolve(name);
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    @Test
    void classifiesImagesAndWritesLogits(@TempDir Path dir) throws Exception {
        Path weights = weights(dir, "lenet5_28", "w.safetensors");
        Path a = image(dir, "a.png", 1);
        Path b = image(dir, "b.png", 2);
        CommandRun run = CommandRun.of("infer", "lenet5_28", "--weights", weights.toString(), "--top", "3",
                "--backend", "java", "--format", "json", a.toString(), b.toString());
        assertEquals(0, run.exitCode(), run.err());
        JsonNode results = JSON.readTree(run.out()).path("results");
        assertEquals(2, results.size());
        JsonNode top = results.get(0).path("top");
        assertEquals(3, top.size());
        assertTrue(top.get(0).path("probability").asDouble() >= top.get(1).path("probability").asDouble());
        assertTrue(results.get(1).path("source").asText().endsWith("b.png"));

        Path input = dir.resolve("input.safetensors");
        float[] pixels = new float[2 * 28 * 28];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (i % 17) / 17f;
        }
        try (Tensor x = Tensor.of(pixels, 2, 1, 28, 28)) {
            SafeTensors.write(input, Map.of("input", x), Map.of());
        }
        Path output = dir.resolve("out.safetensors");
        CommandRun tensors = CommandRun.of("infer", "lenet5_28", "--weights", weights.toString(), "--input",
                input.toString(), "--output", output.toString(), "--backend", "java");
        assertEquals(0, tensors.exitCode(), tensors.err());
        try (SafeTensorsFile file = SafeTensors.read(output)) {
            assertEquals(java.util.List.of(2L, 10L), file.entry("output").dims());
        }
    }

    @Test
    void refusesWeightsThatDoNotFit(@TempDir Path dir) throws Exception {
        Path classic = weights(dir, "lenet5", "classic.safetensors");
        Path a = image(dir, "a.png", 3);
        CommandRun run = CommandRun.of("infer", "lenet5_28", "--weights", classic.toString(), a.toString());
        assertEquals(ExitCodes.FAILURE, run.exitCode());
        assertTrue(run.err().contains("classifier.1.weight"), run.err());
        CommandRun neither = CommandRun.of("infer", "lenet5_28", "--weights", classic.toString());
        assertEquals(ExitCodes.USAGE, neither.exitCode());
        assertTrue(neither.err().contains("give images or --input FILE"), neither.err());
    }

    @Test
    void nanInTheInputIsRefusedUnlessPassedThrough(@TempDir Path dir) throws Exception {
        Path weights = weights(dir, "lenet5_28", "w.safetensors");
        Path input = dir.resolve("nan.safetensors");
        float[] pixels = new float[28 * 28];
        pixels[3 * 28 + 4] = Float.NaN;
        try (Tensor x = Tensor.of(pixels, 1, 1, 28, 28)) {
            SafeTensors.write(input, Map.of("input", x), Map.of());
        }
        CommandRun refused = CommandRun.of("infer", "lenet5_28", "--weights", weights.toString(), "--input",
                input.toString(), "--backend", "java");
        assertEquals(ExitCodes.FAILURE, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("input holds NaN at [0, 0, 3, 4]"), refused.err());
        Path output = dir.resolve("out.safetensors");
        CommandRun passed = CommandRun.of("infer", "lenet5_28", "--weights", weights.toString(), "--input",
                input.toString(), "--backend", "java", "--nan", "pass", "--output", output.toString());
        assertEquals(0, passed.exitCode(), passed.err());
        try (SafeTensorsFile file = SafeTensors.read(output); Tensor logits = file.tensor("output")) {
            assertTrue(Float.isNaN(logits.toFloatArray()[0]), "the NaN pixel reaches the logits");
        }
        CommandRun bad = CommandRun.of("infer", "lenet5_28", "--weights", weights.toString(), "--input",
                input.toString(), "--nan", "ignore");
        assertEquals(ExitCodes.USAGE, bad.exitCode());
        assertTrue(bad.err().contains("--nan must be reject or pass, got 'ignore'"), bad.err());
    }
}
