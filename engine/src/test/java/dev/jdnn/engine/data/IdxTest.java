package dev.jdnn.engine.data;

import dev.jdnn.engine.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class IdxTest {

    private static final int ROWS = 3;
    private static final int COLUMNS = 7;

    @TempDir
    Path dir;

    static byte[] imagesFile(int magic, int count, int rows, int columns, byte[] pixels) {
        ByteBuffer buffer = ByteBuffer.allocate(16 + pixels.length);
        buffer.putInt(magic).putInt(count).putInt(rows).putInt(columns).put(pixels);
        return buffer.array();
    }

    static byte[] labelsFile(int magic, int count, byte[] labels) {
        return ByteBuffer.allocate(8 + labels.length).putInt(magic).putInt(count).put(labels).array();
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }

    /** Pixel i of image n is (n * 31 + i * 7) mod 256: every image differs and every byte value occurs. */
    static byte[] pixels(int count) {
        byte[] pixels = new byte[count * ROWS * COLUMNS];
        for (int n = 0; n < count; n++) {
            for (int i = 0; i < ROWS * COLUMNS; i++) {
                pixels[n * ROWS * COLUMNS + i] = (byte) (n * 31 + i * 7);
            }
        }
        return pixels;
    }

    static byte[] labels(int count) {
        byte[] labels = new byte[count];
        for (int n = 0; n < count; n++) {
            labels[n] = (byte) (n * 3 % 10);
        }
        return labels;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private void assertImagesMatch(ImageDataset data, int count) {
        assertEquals(count, data.size());
        assertEquals(new ImageShape(1, ROWS, COLUMNS), data.imageShape());
        assertEquals(10, data.classes());
        byte[] pixels = pixels(count);
        byte[] labels = labels(count);
        for (int n = 0; n < count; n++) {
            float[] expected = new float[ROWS * COLUMNS];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = (float) (Byte.toUnsignedInt(pixels[n * expected.length + i]) / 255.0);
            }
            Tolerance.assertBitsEqual(expected, data.image(n), "image " + n);
            assertEquals(labels[n], data.label(n));
        }
    }

    @Test
    void readsPlainFiles() throws IOException {
        int count = 17;
        Path images = write("images", imagesFile(Idx.IMAGES_MAGIC, count, ROWS, COLUMNS, pixels(count)));
        Path labels = write("labels", labelsFile(Idx.LABELS_MAGIC, count, labels(count)));
        assertImagesMatch(Idx.read(images, labels), count);
    }

    @Test
    void readsGzippedFilesWhateverTheirNames() throws IOException {
        int count = 33;
        Path images = write("images.bin", gzip(imagesFile(Idx.IMAGES_MAGIC, count, ROWS, COLUMNS, pixels(count))));
        Path labels = write("labels.gz", gzip(labelsFile(Idx.LABELS_MAGIC, count, labels(count))));
        assertImagesMatch(Idx.read(images, labels), count);
    }

    @Test
    void copyImageWritesAtAnOffsetAndChecksRoom() throws IOException {
        int count = 2;
        Path images = write("images", imagesFile(Idx.IMAGES_MAGIC, count, ROWS, COLUMNS, pixels(count)));
        Path labels = write("labels", labelsFile(Idx.LABELS_MAGIC, count, labels(count)));
        ImageDataset data = Idx.read(images, labels);
        float[] target = new float[5 + ROWS * COLUMNS];
        Arrays.fill(target, -1f);
        data.copyImage(1, target, 5);
        assertEquals(-1f, target[4]);
        Tolerance.assertBitsEqual(data.image(1), Arrays.copyOfRange(target, 5, target.length), "image at offset");
        assertThrows(IllegalArgumentException.class, () -> data.copyImage(1, target, 6));
        assertThrows(IllegalArgumentException.class, () -> data.copyImage(2, target, 0));
    }

    @Test
    void wrongMagicNamesFileAndBothNumbers() throws IOException {
        Path images = write("images", imagesFile(0x00000801, 1, ROWS, COLUMNS, pixels(1)));
        Path labels = write("labels", labelsFile(Idx.LABELS_MAGIC, 1, labels(1)));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Idx.read(images, labels));
        assertTrue(e.getMessage().contains(images.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("0x00000803") && e.getMessage().contains("0x00000801"), e.getMessage());

        Path badLabels = write("labels2", labelsFile(Idx.IMAGES_MAGIC, 1, labels(1)));
        Path goodImages = write("images2", imagesFile(Idx.IMAGES_MAGIC, 1, ROWS, COLUMNS, pixels(1)));
        e = assertThrows(DatasetFormatException.class, () -> Idx.read(goodImages, badLabels));
        assertTrue(e.getMessage().contains("labels2") && e.getMessage().contains("0x00000801"), e.getMessage());
    }

    @Test
    void truncatedFilesSayHowMuchIsMissing() throws IOException {
        int count = 3;
        byte[] full = imagesFile(Idx.IMAGES_MAGIC, count, ROWS, COLUMNS, pixels(count));
        Path labels = write("labels", labelsFile(Idx.LABELS_MAGIC, count, labels(count)));

        Path images = write("images", Arrays.copyOf(full, full.length - 5));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Idx.read(images, labels));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains(String.valueOf(count * ROWS * COLUMNS))
                && e.getMessage().contains(String.valueOf(count * ROWS * COLUMNS - 5)), e.getMessage());

        Path headerOnly = write("header", Arrays.copyOf(full, 10));
        e = assertThrows(DatasetFormatException.class, () -> Idx.read(headerOnly, labels));
        assertTrue(e.getMessage().contains("16-byte header"), e.getMessage());

        Path empty = write("empty", new byte[0]);
        assertThrows(DatasetFormatException.class, () -> Idx.read(empty, labels));

        byte[] gzipped = gzip(full);
        Path cutGzip = write("cut.gz", Arrays.copyOf(gzipped, gzipped.length / 2));
        e = assertThrows(DatasetFormatException.class, () -> Idx.read(cutGzip, labels));
        assertTrue(e.getMessage().contains("gzip"), e.getMessage());

        Path shortLabels = write("short-labels", Arrays.copyOf(labelsFile(Idx.LABELS_MAGIC, count, labels(count)), 9));
        Path goodImages = write("good-images", full);
        e = assertThrows(DatasetFormatException.class, () -> Idx.read(goodImages, shortLabels));
        assertTrue(e.getMessage().contains("short-labels") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void trailingBytesAreRejected() throws IOException {
        byte[] full = imagesFile(Idx.IMAGES_MAGIC, 1, ROWS, COLUMNS, pixels(1));
        Path images = write("images", Arrays.copyOf(full, full.length + 2));
        Path labels = write("labels", labelsFile(Idx.LABELS_MAGIC, 1, labels(1)));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Idx.read(images, labels));
        assertTrue(e.getMessage().contains("2 bytes more"), e.getMessage());
    }

    @Test
    void countMismatchNamesBothCounts() throws IOException {
        Path images = write("images", imagesFile(Idx.IMAGES_MAGIC, 3, ROWS, COLUMNS, pixels(3)));
        Path labels = write("labels", labelsFile(Idx.LABELS_MAGIC, 2, labels(2)));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Idx.read(images, labels));
        assertTrue(e.getMessage().contains("2 labels") && e.getMessage().contains("3 images"), e.getMessage());
    }

    @Test
    void zeroOrNegativeDimensionsAreRejected() throws IOException {
        Path labels = write("labels", labelsFile(Idx.LABELS_MAGIC, 1, labels(1)));
        Path images = write("images", imagesFile(Idx.IMAGES_MAGIC, 1, 0, COLUMNS, new byte[0]));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Idx.read(images, labels));
        assertTrue(e.getMessage().contains("rows") && e.getMessage().contains("found 0"), e.getMessage());
        Path huge = write("huge", imagesFile(Idx.IMAGES_MAGIC, Integer.MAX_VALUE, 28, 28, new byte[0]));
        e = assertThrows(DatasetFormatException.class, () -> Idx.read(huge, labels));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void labelOutOfRangeNamesIndexAndValue() throws IOException {
        byte[] labelValues = labels(4);
        labelValues[2] = 10;
        Path images = write("images", imagesFile(Idx.IMAGES_MAGIC, 4, ROWS, COLUMNS, pixels(4)));
        Path labels = write("labels", labelsFile(Idx.LABELS_MAGIC, 4, labelValues));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Idx.read(images, labels));
        assertTrue(e.getMessage().contains("label 2") && e.getMessage().contains("got 10"), e.getMessage());
    }

    @Test
    void directoriesFindPlainAndGzippedNames() throws IOException {
        int count = 2;
        write("train-images-idx3-ubyte", imagesFile(Idx.IMAGES_MAGIC, count, ROWS, COLUMNS, pixels(count)));
        write("train-labels-idx1-ubyte.gz", gzip(labelsFile(Idx.LABELS_MAGIC, count, labels(count))));
        write("t10k-images.idx3-ubyte", imagesFile(Idx.IMAGES_MAGIC, 1, ROWS, COLUMNS, pixels(1)));
        write("t10k-labels.idx1-ubyte", labelsFile(Idx.LABELS_MAGIC, 1, labels(1)));
        ImageDataset train = FashionMnist.open(dir, true);
        assertImagesMatch(train, count);
        assertEquals("Ankle boot", train.classNames().get(9));
        assertEquals(1, Mnist.open(dir, false).size());
    }

    @Test
    void missingDirectoryOrFileSaysHowToGetIt() throws IOException {
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> FashionMnist.open(dir.resolve("nowhere"), true));
        assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist")
                && e.getMessage().contains("--data fashion-mnist:DIR"), e.getMessage());
        write("train-images-idx3-ubyte", imagesFile(Idx.IMAGES_MAGIC, 1, ROWS, COLUMNS, pixels(1)));
        e = assertThrows(NoSuchFileException.class, () -> FashionMnist.open(dir, true));
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte"), e.getMessage());
        e = assertThrows(NoSuchFileException.class, () -> Mnist.open(dir.resolve("none"), false));
        assertTrue(e.getMessage().contains("--data mnist:DIR"), e.getMessage());
    }

    @Test
    void subsetAndFirstAreViews() throws IOException {
        int count = 7;
        Path images = write("images", imagesFile(Idx.IMAGES_MAGIC, count, ROWS, COLUMNS, pixels(count)));
        Path labels = write("labels", labelsFile(Idx.LABELS_MAGIC, count, labels(count)));
        ImageDataset data = Idx.read(images, labels);
        ImageDataset subset = data.subset(new int[] {6, 0, 3});
        assertEquals(3, subset.size());
        assertEquals(data.label(6), subset.label(0));
        Tolerance.assertBitsEqual(data.image(3), subset.image(2), "subset image");
        ImageDataset nested = subset.subset(new int[] {2});
        Tolerance.assertBitsEqual(data.image(3), nested.image(0), "nested subset image");
        assertEquals(2, data.first(2).size());
        assertThrows(IllegalArgumentException.class, () -> data.subset(new int[] {7}));
        assertThrows(IllegalArgumentException.class, () -> data.first(8));
        assertThrows(IllegalArgumentException.class, () -> subset.label(3));
    }

    @Test
    void realFashionMnistIfInstalled() throws IOException {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR),
                "Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)");
        ByteImageDataset train = FashionMnist.open(true);
        ByteImageDataset test = FashionMnist.open(false);
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertEquals(new ImageShape(1, 28, 28), train.imageShape());
        // The first labels of the published files: train 9 (Ankle boot), 0, 0, 3, 0; test 9, 2, 1, 1, 6.
        assertEquals("[9, 0, 0, 3, 0]", Arrays.toString(firstLabels(train, 5)));
        assertEquals("[9, 2, 1, 1, 6]", Arrays.toString(firstLabels(test, 5)));
        int[] perClass = new int[10];
        for (int i = 0; i < train.size(); i++) {
            perClass[train.label(i)]++;
        }
        for (int c = 0; c < 10; c++) {
            assertEquals(6_000, perClass[c], "train images of class " + c);
        }
    }

    private static int[] firstLabels(ImageDataset data, int count) {
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = data.label(i);
        }
        return labels;
    }
}
