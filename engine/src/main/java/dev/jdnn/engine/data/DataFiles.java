package dev.jdnn.engine.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Finding data-set files and reading them whole, gunzipping those that start with gzip's magic bytes. */
final class DataFiles {

    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;

    private DataFiles() {
    }

    /** Fails with {@code hint} (how to get the data) unless {@code dir} is a directory. */
    static void requireDirectory(Path dir, String dataset, String hint) throws NoSuchFileException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null,
                    dataset + " directory not found" + (hint.isEmpty() ? "" : "; " + hint));
        }
    }

    /** The first of {@code candidates} (names in {@code dir}) that exists as a file; fails naming all of them. */
    static Path firstExisting(Path dir, List<String> candidates, String dataset, String hint)
            throws NoSuchFileException {
        requireDirectory(dir, dataset, hint);
        for (String name : candidates) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new NoSuchFileException(dir.resolve(candidates.getFirst()).toString(), null,
                dataset + " file not found in " + dir + " (looked for " + String.join(", ", candidates) + ")"
                        + (hint.isEmpty() ? "" : "; " + hint));
    }

    /** All bytes of {@code file}, gunzipped if it starts with 1f 8b. */
    static byte[] readMaybeGzipped(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int first = raw.read();
            int second = raw.read();
            raw.reset();
            if (first == GZIP_MAGIC_0 && second == GZIP_MAGIC_1) {
                try (InputStream gunzipped = new GZIPInputStream(raw, 1 << 16)) {
                    return gunzipped.readAllBytes();
                } catch (ZipException | java.io.EOFException e) {
                    throw new DatasetFormatException(file, "starts like a gzip file (1f 8b) but is not a complete one: "
                            + e.getMessage());
                }
            }
            return raw.readAllBytes();
        }
    }

    /** The big-endian 32-bit integer at {@code byteOffset}. */
    static int bigEndianInt(byte[] bytes, int byteOffset) {
        return (bytes[byteOffset] & 0xff) << 24 | (bytes[byteOffset + 1] & 0xff) << 16
                | (bytes[byteOffset + 2] & 0xff) << 8 | bytes[byteOffset + 3] & 0xff;
    }
}
