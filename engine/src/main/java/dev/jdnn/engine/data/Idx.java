package dev.jdnn.engine.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Reader of LeCun's IDX files (MNIST, Fashion-MNIST): an images file (magic {@code 0x00000803}, then count, rows,
 * columns as big-endian 32-bit integers, then one unsigned byte per pixel) and a labels file (magic
 * {@code 0x00000801}, count, one byte per label). Either may be gzipped (detected by its first bytes, not its name).
 */
public final class Idx {

    /** Magic number of an IDX file of unsigned bytes with 3 dimensions (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned bytes with 1 dimension (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int IMAGES_HEADER_BYTES = 16;
    private static final int LABELS_HEADER_BYTES = 8;
    private static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    private Idx() {
    }

    /** Reads an images file and its labels file, with labels 0..9 named "0".."9". */
    public static ByteImageDataset read(Path images, Path labels) throws IOException {
        return read(images, labels, DIGITS);
    }

    /** Reads an images file and its labels file; every label must be below {@code classNames.size()}. */
    public static ByteImageDataset read(Path images, Path labels, List<String> classNames) throws IOException {
        byte[] imageBytes = DataFiles.readMaybeGzipped(images);
        byte[] labelBytes = DataFiles.readMaybeGzipped(labels);

        requireHeader(images, imageBytes, IMAGES_HEADER_BYTES, IMAGES_MAGIC, "images");
        int count = dimension(images, imageBytes, 4, "image count");
        int rows = dimension(images, imageBytes, 8, "rows");
        int columns = dimension(images, imageBytes, 12, "columns");
        long pixelBytes = (long) count * rows * columns;
        requireLength(images, imageBytes.length - IMAGES_HEADER_BYTES, pixelBytes,
                count + " images of " + rows + "x" + columns + " pixels");

        requireHeader(labels, labelBytes, LABELS_HEADER_BYTES, LABELS_MAGIC, "labels");
        int labelCount = dimension(labels, labelBytes, 4, "label count");
        if (labelCount != count) {
            throw new DatasetFormatException(labels, "has " + labelCount + " labels but " + images.getFileName()
                    + " has " + count + " images (the counts must be equal)");
        }
        requireLength(labels, labelBytes.length - LABELS_HEADER_BYTES, count, count + " labels");
        for (int i = 0; i < count; i++) {
            int label = Byte.toUnsignedInt(labelBytes[LABELS_HEADER_BYTES + i]);
            if (label >= classNames.size()) {
                throw new DatasetFormatException(labels, "label " + i + " must be in [0, " + classNames.size()
                        + "), got " + label);
            }
        }

        byte[] pixels = Arrays.copyOfRange(imageBytes, IMAGES_HEADER_BYTES, imageBytes.length);
        byte[] labelValues = Arrays.copyOfRange(labelBytes, LABELS_HEADER_BYTES, labelBytes.length);
        return new ByteImageDataset(new ImageShape(1, rows, columns), pixels, labelValues, classNames,
                images.getFileName().toString());
    }

    private static void requireHeader(Path file, byte[] bytes, int headerBytes, int magic, String kind)
            throws DatasetFormatException {
        if (bytes.length < 4) {
            throw new DatasetFormatException(file, "is truncated: an IDX " + kind + " file starts with a "
                    + headerBytes + "-byte header, found only " + bytes.length + " bytes");
        }
        int found = DataFiles.bigEndianInt(bytes, 0);
        if (found != magic) {
            throw new DatasetFormatException(file, String.format(
                    "is not an IDX %s file: expected magic number 0x%08x, found 0x%08x", kind, magic, found));
        }
        if (bytes.length < headerBytes) {
            throw new DatasetFormatException(file, "is truncated: an IDX " + kind + " file starts with a "
                    + headerBytes + "-byte header, found only " + bytes.length + " bytes");
        }
    }

    private static int dimension(Path file, byte[] bytes, int byteOffset, String what) throws DatasetFormatException {
        int value = DataFiles.bigEndianInt(bytes, byteOffset);
        if (value <= 0) {
            throw new DatasetFormatException(file, what + " in the header must be positive, found " + value);
        }
        return value;
    }

    private static void requireLength(Path file, long foundBytes, long expectedBytes, String what)
            throws DatasetFormatException {
        if (foundBytes < expectedBytes) {
            throw new DatasetFormatException(file, "is truncated: " + what + " need " + expectedBytes
                    + " bytes after the header, found " + foundBytes);
        }
        if (foundBytes > expectedBytes) {
            throw new DatasetFormatException(file, "has " + (foundBytes - expectedBytes)
                    + " bytes more than the header announces (" + what + ": expected " + expectedBytes
                    + " bytes after the header, found " + foundBytes + ")");
        }
    }
}
