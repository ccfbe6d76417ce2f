package dev.jdnn.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every malformed file fails to open with a {@link SafeTensorsException} naming the file and its problem. */
class SafeTensorsCorruptionTest {

    @TempDir
    Path dir;

    private static String tensor(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
                + end + "]}";
    }

    private SafeTensorsException openFails(Path file, String expectedProblem) {
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(file).close());
        assertEquals(file, e.file());
        assertTrue(e.problem().contains(expectedProblem),
                "expected the problem to contain \"" + expectedProblem + "\", got: " + e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        return e;
    }

    private Path file(String json, byte[] data) throws IOException {
        return SafeTensorsTestFiles.write(dir.resolve("corrupt.safetensors"), json, data);
    }

    @Test
    void aFileShorterThanTheLengthField() throws IOException {
        Path file = Files.write(dir.resolve("tiny.safetensors"), new byte[] {8, 0, 0});
        openFails(file, "file has 3 bytes, too short for the 8-byte header length");
    }

    @Test
    void aHeaderLengthLargerThanTheFile() throws IOException {
        byte[] json = "{}".getBytes(StandardCharsets.US_ASCII);
        Path file = SafeTensorsTestFiles.write(dir.resolve("long.safetensors"), 1000, json, new byte[0]);
        openFails(file, "header length 1000 is larger than the 2 bytes after it in the file");
        Path huge = SafeTensorsTestFiles.write(dir.resolve("huge.safetensors"), -1, json, new byte[0]);
        openFails(huge, "header length 18446744073709551615 is larger than the 2 bytes after it");
    }

    @Test
    void invalidJson() throws IOException {
        openFails(file("{\"a\":{\"dtype\":\"F32\",", new byte[0]), "invalid JSON header");
        openFails(file("[1, 2]", new byte[0]), "invalid JSON header: it must be an object");
        openFails(file("{} x", new byte[0]), "invalid JSON header");
        byte[] badUtf8 = {'{', '"', (byte) 0xC3, '"', ':', '1', '}'};
        Path file = SafeTensorsTestFiles.write(dir.resolve("utf8.safetensors"), badUtf8.length, badUtf8, new byte[0]);
        openFails(file, "invalid JSON header");
    }

    @Test
    void anUnknownDtype() throws IOException {
        openFails(file("{" + tensor("w", "F31", "[1]", 0, 4) + "}", new byte[4]), "tensor w: unknown dtype 'F31'");
    }

    @Test
    void shapeTimesDtypeSizeDiffersFromTheOffsetSpan() throws IOException {
        openFails(file("{" + tensor("w", "F32", "[2,3]", 0, 20) + "}", new byte[20]),
                "tensor w: shape (2, 3) of F32 needs 24 bytes, data_offsets [0, 20] span 20");
    }

    @Test
    void malformedFields() throws IOException {
        openFails(file("{" + tensor("w", "F32", "[-1]", 0, 4) + "}", new byte[4]),
                "tensor w: shape must hold non-negative integers, got [-1]");
        openFails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", new byte[4]),
                "tensor w: data_offsets must be [begin, end], got [0]");
        openFails(file("{" + tensor("w", "F32", "[1]", 4, 0) + "}", new byte[4]),
                "tensor w: data_offsets [4, 0] end before they begin");
        openFails(file("{\"__metadata__\":{\"epoch\":3}}", new byte[0]),
                "__metadata__ value of 'epoch' must be a string, got 3");
        openFails(file("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]),
                "tensor w: dtype must be a string, got null");
    }

    @Test
    void overlappingOffsets() throws IOException {
        String json = "{" + tensor("a", "F32", "[2]", 0, 8) + "," + tensor("b", "F32", "[2]", 4, 12) + "}";
        openFails(file(json, new byte[12]), "tensor b at bytes [4, 12) overlaps tensor a at [0, 8)");
    }

    @Test
    void aGapBetweenTensorsOrBeforeTheFirst() throws IOException {
        String json = "{" + tensor("a", "F32", "[1]", 0, 4) + "," + tensor("b", "F32", "[1]", 8, 12) + "}";
        openFails(file(json, new byte[12]),
                "gap of 4 bytes in the data before tensor b (expected it to begin at 4, got 8)");
        openFails(file("{" + tensor("a", "F32", "[1]", 4, 8) + "}", new byte[8]), "gap of 4 bytes in the data"
                + " before tensor a (expected it to begin at 0, got 4)");
    }

    @Test
    void offsetsBeyondTheDataOrTrailingBytes() throws IOException {
        openFails(file("{" + tensor("a", "F32", "[4]", 0, 16) + "}", new byte[12]),
                "truncated or out of range: tensor a ends at data byte 16, the file holds 12 bytes of data");
        openFails(file("{" + tensor("a", "F32", "[1]", 0, 4) + "}", new byte[6]),
                "2 bytes after the end of the last tensor (data ends at 4)");
    }

    @Test
    void duplicateNames() throws IOException {
        String json = "{" + tensor("a", "F32", "[1]", 0, 4) + "," + tensor("a", "F32", "[1]", 4, 8) + "}";
        openFails(file(json, new byte[8]), "duplicate name 'a' in the header");
    }

    @Test
    void aTruncatedFile() throws IOException {
        Path file = dir.resolve("model.safetensors");
        try (Tensor a = Tensor.of(new float[] {1, 2, 3}, 3); Tensor b = Tensor.of(new float[] {4, 5}, 2)) {
            SafeTensors.write(file, Map.of("a", a, "b", b), Map.of());
        }
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(whole, whole.length - 3));
        openFails(file, "truncated or out of range: tensor b ends at data byte 20, the file holds 17 bytes of data");
        Files.write(file, Arrays.copyOf(whole, 20)); // cut inside the header
        openFails(file, "is larger than the 12 bytes after it in the file");
    }
}
