package dev.jdnn.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.Tolerance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    @TempDir
    Path dir;

    private final List<Tensor> owned = new ArrayList<>();

    @AfterEach
    void closeTensors() {
        owned.forEach(Tensor::close);
    }

    private Tensor tensor(float[] values, int... dims) {
        Tensor tensor = Tensor.of(values, dims);
        owned.add(tensor);
        return tensor;
    }

    private Map<String, Tensor> weights(float scale) {
        return Map.of(
                "conv1.weight", tensor(new float[] {scale, -scale, 2 * scale, 0.5f * scale}, 1, 1, 2, 2),
                "bn1.running_mean", tensor(new float[] {scale}, 1),
                "bn1.num_batches_tracked", tensor(new float[] {42 * scale}));
    }

    private Map<String, Tensor> momentum(float scale) {
        return Map.of("optimizer.conv1.weight.momentum_buffer",
                tensor(new float[] {0.1f * scale, 0.2f, 0.3f, 0.4f}, 1, 1, 2, 2));
    }

    @Test
    void saveThenLoadLatestGivesBackEverything() throws IOException {
        assertEquals(Optional.empty(), Checkpoint.latest(dir));
        Map<String, String> training = Map.of("epoch", "3", "global_step", "1500", "lr", "0.01", "seed", "7");
        Map<String, Tensor> weights = weights(1);
        Map<String, Tensor> optimizer = momentum(1);
        Checkpoint.save(dir, "epoch-0003", weights, optimizer, training);

        assertEquals(Optional.of("epoch-0003"), Checkpoint.latest(dir));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("epoch-0003.safetensors", "epoch-0003.state.safetensors", "latest"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        try (Checkpoint loaded = Checkpoint.loadLatest(dir).orElseThrow()) {
            assertEquals("epoch-0003", loaded.name());
            assertEquals(training, loaded.trainingState());
            for (String name : weights.keySet()) {
                Tolerance.assertBitsEqual(weights.get(name).toFloatArray(), loaded.weights().get(name).toFloatArray(),
                        name);
            }
            String key = "optimizer.conv1.weight.momentum_buffer";
            Tolerance.assertBitsEqual(optimizer.get(key).toFloatArray(), loaded.optimizerState().get(key)
                    .toFloatArray(), key);
            // The weights file is a plain torchvision-style state dict: the batch counter is an int64 scalar.
            SafeTensorsEntry counter = loaded.weightsFile().entry("bn1.num_batches_tracked");
            assertEquals(SafeTensorsDType.I64, counter.dtype());
            assertEquals(List.of(), counter.dims());
            assertArrayEquals(new long[] {42}, loaded.weightsFile().longs("bn1.num_batches_tracked"));
            assertEquals(SafeTensorsDType.F32, loaded.weightsFile().entry("conv1.weight").dtype());
        }
    }

    @Test
    void theWeightsLoadIntoAModelThroughTheStateDictLoader() throws IOException {
        Map<String, Tensor> weights = weights(2);
        Checkpoint.save(dir, "best", weights, Map.of(), Map.of());
        Map<String, Tensor> model = Map.of(
                "conv1.weight", tensor(new float[4], 1, 1, 2, 2),
                "bn1.running_mean", tensor(new float[1], 1),
                "bn1.num_batches_tracked", tensor(new float[1]));
        try (Checkpoint loaded = Checkpoint.load(dir, "best")) {
            StateDicts.load(model, loaded.weightsFile());
            assertEquals(Map.of(), loaded.optimizerState());
        }
        for (String name : weights.keySet()) {
            Tolerance.assertBitsEqual(weights.get(name).toFloatArray(), model.get(name).toFloatArray(), name);
        }
    }

    @Test
    void latestFollowsTheNewestSave() throws IOException {
        Checkpoint.save(dir, "step-1", weights(1), momentum(1), Map.of("global_step", "1"));
        Checkpoint.save(dir, "step-2", weights(2), momentum(2), Map.of("global_step", "2"));
        assertEquals(Optional.of("step-2"), Checkpoint.latest(dir));
        try (Checkpoint loaded = Checkpoint.loadLatest(dir).orElseThrow()) {
            assertEquals("2", loaded.trainingState().get("global_step"));
        }
        try (Checkpoint older = Checkpoint.load(dir, "step-1")) {
            assertEquals("1", older.trainingState().get("global_step"));
        }
    }

    @Test
    void aStateFileOfOtherWeightsIsRefused() throws IOException {
        // A crash after the new weights were written and before their state: the old state file stays beside them.
        Checkpoint.save(dir, "ckpt", weights(1), momentum(1), Map.of("global_step", "100"));
        Path other = Files.createDirectory(dir.resolve("other"));
        Checkpoint.save(other, "ckpt", weights(3), momentum(3), Map.of("global_step", "200"));
        Files.copy(Checkpoint.weightsFile(other, "ckpt"), Checkpoint.weightsFile(dir, "ckpt"),
                StandardCopyOption.REPLACE_EXISTING);

        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
                () -> Checkpoint.load(dir, "ckpt"));
        assertEquals(Checkpoint.stateFile(dir, "ckpt"), e.file());
        assertTrue(e.getMessage().contains("but ckpt.safetensors is checkpoint")
                && e.getMessage().contains("the weights were rewritten without their training state"),
                e.getMessage());
    }

    @Test
    void weightsChangedAfterSavingAreRefused() throws IOException {
        Checkpoint.save(dir, "ckpt", weights(1), momentum(1), Map.of());
        Path weightsFile = Checkpoint.weightsFile(dir, "ckpt");
        byte[] bytes = Files.readAllBytes(weightsFile);
        bytes[bytes.length - 9] ^= 1; // one bit of conv1.weight's data (the I64 counter is stored first)
        Files.write(weightsFile, bytes);

        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
                () -> Checkpoint.load(dir, "ckpt"));
        assertTrue(e.getMessage().contains("the weights changed after the checkpoint was saved"), e.getMessage());
    }

    @Test
    void aMissingStateFileIsReportedByName() throws IOException {
        Checkpoint.save(dir, "ckpt", weights(1), momentum(1), Map.of());
        Files.delete(Checkpoint.stateFile(dir, "ckpt"));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Checkpoint.load(dir, "ckpt"));
        assertTrue(e.getMessage().contains("ckpt.state.safetensors"), e.getMessage());
    }

    @Test
    void badNamesAndReservedKeysAreRejected() throws IOException {
        for (String name : new String[] {"", "../up", "a/b", ".hidden", "latest"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.save(dir, name, Map.of(), Map.of(), Map.of()));
            assertTrue(e.getMessage().contains("got '" + name + "'"), e.getMessage());
        }
        IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.save(dir, "ok", Map.of(), Map.of(), Map.of("jdnn.checkpoint.id", "forged")));
        assertTrue(reserved.getMessage().contains("'jdnn.checkpoint.id' uses the reserved prefix jdnn."),
                reserved.getMessage());
        assertFalse(Files.exists(Checkpoint.weightsFile(dir, "ok")));
        Files.writeString(dir.resolve("latest"), "../etc\n");
        SafeTensorsException pointer = assertThrows(SafeTensorsException.class, () -> Checkpoint.latest(dir));
        assertTrue(pointer.getMessage().contains("does not hold a checkpoint name, got '../etc'"),
                pointer.getMessage());
    }
}
