package dev.jdnn.engine.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Krizhevsky's CIFAR-10, binary version: {@code data_batch_1.bin} to {@code data_batch_5.bin} (train, 50,000 images)
 * and {@code test_batch.bin} (10,000), each record one label byte then 3072 bytes (1024 red, 1024 green, 1024 blue,
 * each plane row-major 32x32, i.e. already CHW); class names from {@code batches.meta.txt}, one per line.
 */
public final class Cifar10 {

    public static final int SIDE = 32;
    public static final int CHANNELS = 3;
    /** Bytes of one record: the label and the image. */
    public static final int RECORD_BYTES = 1 + CHANNELS * SIDE * SIDE;
    /** Records in each file of the published data set. */
    public static final int RECORDS_PER_FILE = 10_000;

    /** The names of the published {@code batches.meta.txt}, used when a directory has no such file. */
    public static final List<String> CLASS_NAMES = List.of(
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    private static final String HINT = "download the CIFAR-10 binary version (cifar-10-binary.tar.gz), unpack it"
            + " and pass --data cifar10:DIR (the directory holding data_batch_1.bin)";

    private Cifar10() {
    }

    /**
     * The train ({@code data_batch_1..5.bin}) or test ({@code test_batch.bin}) split in {@code dir}. Each file must
     * hold a whole number of records ({@value #RECORD_BYTES} bytes each); a file of the published data set holds
     * {@value #RECORDS_PER_FILE}.
     */
    public static ByteImageDataset open(Path dir, boolean train) throws IOException {
        DataFiles.requireDirectory(dir, "CIFAR-10", HINT);
        List<Path> files = new ArrayList<>();
        if (train) {
            for (int i = 1; i <= 5; i++) {
                files.add(DataFiles.firstExisting(dir, List.of("data_batch_" + i + ".bin"), "CIFAR-10", HINT));
            }
        } else {
            files.add(DataFiles.firstExisting(dir, List.of("test_batch.bin"), "CIFAR-10", HINT));
        }
        List<String> classNames = classNames(dir.resolve("batches.meta.txt"));

        long records = 0;
        for (Path file : files) {
            long byteSize = Files.size(file);
            if (byteSize == 0 || byteSize % RECORD_BYTES != 0) {
                throw new DatasetFormatException(file, "must hold whole CIFAR-10 records of " + RECORD_BYTES
                        + " bytes (1 label + 3072 pixels; " + RECORDS_PER_FILE + " records = "
                        + (long) RECORDS_PER_FILE * RECORD_BYTES + " bytes), found " + byteSize + " bytes");
            }
            records += byteSize / RECORD_BYTES;
        }
        if (records * (RECORD_BYTES - 1) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("CIFAR-10 in " + dir + ": " + records + " records are too many");
        }
        int imageBytes = RECORD_BYTES - 1;
        byte[] pixels = new byte[Math.toIntExact(records * imageBytes)];
        byte[] labels = new byte[Math.toIntExact(records)];
        int image = 0;
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            for (int byteOffset = 0; byteOffset < bytes.length; byteOffset += RECORD_BYTES, image++) {
                int label = Byte.toUnsignedInt(bytes[byteOffset]);
                if (label >= classNames.size()) {
                    throw new DatasetFormatException(file, "record " + byteOffset / RECORD_BYTES + " (byte offset "
                            + byteOffset + ") has label " + label + ", expected one in [0, " + classNames.size() + ")");
                }
                labels[image] = (byte) label;
                System.arraycopy(bytes, byteOffset + 1, pixels, image * imageBytes, imageBytes);
            }
        }
        return new ByteImageDataset(new ImageShape(CHANNELS, SIDE, SIDE), pixels, labels, classNames,
                "CIFAR-10 " + dir);
    }

    private static List<String> classNames(Path meta) throws IOException {
        if (!Files.isRegularFile(meta)) {
            return CLASS_NAMES;
        }
        List<String> names = Files.readAllLines(meta).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (names.size() != CLASS_NAMES.size()) {
            throw new DatasetFormatException(meta, "must name " + CLASS_NAMES.size() + " classes, one per line, found "
                    + names.size());
        }
        return names;
    }
}
