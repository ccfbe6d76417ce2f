package dev.jdnn.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes replace the file whole or not at all, and never leave their temporary file behind. */
class SafeTensorsAtomicWriteTest {

    @TempDir
    Path dir;

    private List<Path> filesInDir() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    @Test
    void aSuccessfulWriteLeavesOnlyTheFileAndReplacesAnOldOne() throws IOException {
        Path file = dir.resolve("model.safetensors");
        try (Tensor a = Tensor.of(new float[] {1, 2}, 2); Tensor b = Tensor.of(new float[] {3, 4, 5}, 3)) {
            SafeTensors.write(file, Map.of("a", a), Map.of());
            SafeTensors.write(file, Map.of("b", b), Map.of("v", "2"));
        }
        assertEquals(List.of(file), filesInDir());
        try (SafeTensorsFile read = SafeTensors.read(file)) {
            assertEquals(List.of("b"), read.names());
            assertEquals(Map.of("v", "2"), read.metadata());
        }
    }

    @Test
    void aClosedTensorFailsTheWriteAndKeepsTheOldFile() throws IOException {
        Path file = dir.resolve("model.safetensors");
        try (Tensor a = Tensor.of(new float[] {1, 2}, 2)) {
            SafeTensors.write(file, Map.of("a", a), Map.of());
        }
        byte[] old = Files.readAllBytes(file);
        Tensor closed = Tensor.of(new float[] {7}, 1);
        closed.close();
        try (Tensor a = Tensor.of(new float[] {9, 9}, 2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> SafeTensors.write(file, Map.of("a", a, "z", closed), Map.of()));
            assertTrue(e.getMessage().contains("tensor z is a closed tensor"), e.getMessage());
        }
        assertArrayEquals(old, Files.readAllBytes(file));
        assertEquals(List.of(file), filesInDir());
    }

    @Test
    void aFailureMidwayThroughTheDataKeepsTheOldFileAndRemovesTheTemporary() throws IOException {
        Path file = dir.resolve("model.safetensors");
        try (Tensor a = Tensor.of(new float[] {1, 2}, 2)) {
            SafeTensors.write(file, Map.of("a", a), Map.of());
        }
        byte[] old = Files.readAllBytes(file);
        // I64 tensors are written first, w then x: x fails after w's bytes reached the temporary file.
        try (Tensor big = Tensor.allocate(64, 1024);
             Tensor w = Tensor.of(new float[] {3}, 1);
             Tensor x = Tensor.of(new float[] {2.5f}, 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SafeTensors.write(file, Map.of("big", big, "w", w, "x", x), Map.of(),
                            Map.of("w", SafeTensorsDType.I64, "x", SafeTensorsDType.I64)));
            assertTrue(e.getMessage().contains("tensor x: element 0 is 2.5, which is not an integer that i64 can"
                    + " hold"), e.getMessage());
        }
        assertArrayEquals(old, Files.readAllBytes(file));
        assertEquals(List.of(file), filesInDir());
    }

    @Test
    void callerMistakesAreRejectedBeforeAnythingIsWritten() throws IOException {
        Path file = dir.resolve("model.safetensors");
        try (Tensor a = Tensor.of(new float[] {1}, 1)) {
            IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                    () -> SafeTensors.write(file, Map.of("__metadata__", a), Map.of()));
            assertTrue(reserved.getMessage().contains("tensor name must be non-empty and not __metadata__"),
                    reserved.getMessage());
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> SafeTensors.write(file, Map.of("a", a), Map.of(), Map.of("b", SafeTensorsDType.I64)));
            assertTrue(unknown.getMessage().contains("storedAs names b, which is not among the tensors"),
                    unknown.getMessage());
            IllegalArgumentException conversion = assertThrows(IllegalArgumentException.class,
                    () -> SafeTensors.write(file, Map.of("a", a), Map.of(), Map.of("a", SafeTensorsDType.F16)));
            assertTrue(conversion.getMessage().contains("tensor a is f32 and cannot be stored as F16"),
                    conversion.getMessage());
        }
        assertEquals(List.of(), filesInDir());
    }
}
