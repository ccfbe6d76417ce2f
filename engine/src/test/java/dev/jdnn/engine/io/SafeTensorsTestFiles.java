package dev.jdnn.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Hand-made safetensors files for tests: a length, a header as given, and raw data bytes. */
final class SafeTensorsTestFiles {

    private SafeTensorsTestFiles() {
    }

    /** Writes {@code [N as u64 LE][json as UTF-8][data]} where N is the JSON's byte length (no padding added). */
    static Path write(Path file, String json, byte[] data) throws IOException {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return write(file, header.length, header, data);
    }

    /** Writes {@code [declaredLength as u64 LE][header][data]}. */
    static Path write(Path file, long declaredLength, byte[] header, byte[] data) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(declaredLength).put(header).put(data);
        Files.write(file, bytes.array());
        return file;
    }

    /** {@code values} as little-endian f32 bytes. */
    static byte[] f32(float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putFloat(v);
        }
        return bytes.array();
    }
}
