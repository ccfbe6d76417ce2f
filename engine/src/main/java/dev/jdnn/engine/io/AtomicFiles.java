package dev.jdnn.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Replaces a file all at once: the content goes to a temporary file in the same directory, is forced to the device,
 * then renamed over the target. A crash or a failure leaves either the old file or the new one under the target's
 * name, never a part of one; a failed write removes its temporary file.
 */
public final class AtomicFiles {

    /** Writes a file's content through its channel. */
    @FunctionalInterface
    public interface ContentWriter {
        void write(FileChannel channel) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Writes {@code target} atomically with what {@code content} writes. */
    public static void write(Path target, ContentWriter content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        Path temporary = directory.resolve("." + absolute.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                content.write(channel);
                channel.force(true);
            }
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable failure) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
        syncDirectory(directory);
    }

    /** Writes {@code text} as UTF-8 to {@code target} atomically. */
    public static void writeString(Path target, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(target, channel -> writeFully(channel, ByteBuffer.wrap(bytes), 0));
    }

    /** Writes all of {@code source} at {@code byteOffset}; returns the offset after it. */
    static long writeFully(FileChannel channel, ByteBuffer source, long byteOffset) throws IOException {
        long position = byteOffset;
        while (source.hasRemaining()) {
            position += channel.write(source, position);
        }
        return position;
    }

    /** Makes the rename itself durable where the platform allows syncing a directory (Linux, macOS). */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException unsupported) {
            // Windows cannot open a directory as a channel; the rename is still atomic, only its durability waits.
        }
    }
}
