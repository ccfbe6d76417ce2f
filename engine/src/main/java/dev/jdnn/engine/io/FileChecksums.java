package dev.jdnn.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/** The CRC32C of a whole file, read in chunks (hardware-accelerated by the JDK, a few GB/s). */
final class FileChecksums {

    private static final int CHUNK_BYTES = 1 << 20;

    private FileChecksums() {
    }

    /** {@code 1a2b3c4d}: eight lowercase hex digits. */
    static String crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_BYTES);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(chunk.clear()) >= 0) {
                crc.update(chunk.flip());
            }
        }
        return String.format("%08x", crc.getValue());
    }
}
