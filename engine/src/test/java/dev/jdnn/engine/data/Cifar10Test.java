package dev.jdnn.engine.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Cifar10Test {

    @TempDir
    Path dir;

    /** {@code count} records; record r has label (first + r) mod 10 and pixel byte i = (r * 13 + i) mod 256. */
    private static byte[] records(int first, int count) {
        byte[] bytes = new byte[count * Cifar10.RECORD_BYTES];
        for (int r = 0; r < count; r++) {
            int base = r * Cifar10.RECORD_BYTES;
            bytes[base] = (byte) ((first + r) % 10);
            for (int i = 0; i < 3072; i++) {
                bytes[base + 1 + i] = (byte) ((first + r) * 13 + i);
            }
        }
        return bytes;
    }

    private void writeTrain(int perFile) throws IOException {
        for (int f = 1; f <= 5; f++) {
            Files.write(dir.resolve("data_batch_" + f + ".bin"), records((f - 1) * perFile, perFile));
        }
    }

    @Test
    void readsRecordsInCHWOrderAcrossFiles() throws IOException {
        writeTrain(2);
        Files.write(dir.resolve("test_batch.bin"), records(0, 3));
        ByteImageDataset train = Cifar10.open(dir, true);
        assertEquals(10, train.size());
        assertEquals(new ImageShape(3, 32, 32), train.imageShape());
        assertEquals(Cifar10.CLASS_NAMES, train.classNames());
        for (int r = 0; r < 10; r++) {
            assertEquals(r % 10, train.label(r));
            // Byte 1 + c * 1024 + y * 32 + x of the record is channel c, row y, column x.
            assertEquals((r * 13 + 1024 + 5 * 32 + 7) & 0xff, train.pixel(r, 1024 + 5 * 32 + 7));
            float[] image = train.image(r);
            assertEquals((float) (((r * 13 + 2 * 1024 + 31) & 0xff) / 255.0), image[2 * 1024 + 31]);
        }
        assertEquals(3, Cifar10.open(dir, false).size());
    }

    @Test
    void classNamesComeFromBatchesMeta() throws IOException {
        Files.write(dir.resolve("test_batch.bin"), records(0, 1));
        Files.writeString(dir.resolve("batches.meta.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n");
        assertEquals("j", Cifar10.open(dir, false).classNames().get(9));
        Files.writeString(dir.resolve("batches.meta.txt"), "a\nb\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Cifar10.open(dir, false));
        assertTrue(e.getMessage().contains("batches.meta.txt") && e.getMessage().contains("found 2"), e.getMessage());
    }

    @Test
    void partialRecordNamesFileAndSizes() throws IOException {
        byte[] bytes = records(0, 2);
        Files.write(dir.resolve("test_batch.bin"), Arrays.copyOf(bytes, bytes.length - 1));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Cifar10.open(dir, false));
        assertTrue(e.getMessage().contains("test_batch.bin") && e.getMessage().contains("3073")
                && e.getMessage().contains("found " + (bytes.length - 1)), e.getMessage());
        Files.write(dir.resolve("test_batch.bin"), new byte[0]);
        assertThrows(DatasetFormatException.class, () -> Cifar10.open(dir, false));
    }

    @Test
    void labelOutOfRangeNamesRecord() throws IOException {
        byte[] bytes = records(0, 3);
        bytes[2 * Cifar10.RECORD_BYTES] = 12;
        Files.write(dir.resolve("test_batch.bin"), bytes);
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Cifar10.open(dir, false));
        assertTrue(e.getMessage().contains("record 2") && e.getMessage().contains("label 12"), e.getMessage());
    }

    @Test
    void missingFileNamesIt() throws IOException {
        writeTrain(1);
        Files.delete(dir.resolve("data_batch_4.bin"));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Cifar10.open(dir, true));
        assertTrue(e.getMessage().contains("data_batch_4.bin") && e.getMessage().contains("--data cifar10:DIR"),
                e.getMessage());
        assertThrows(NoSuchFileException.class, () -> Cifar10.open(dir.resolve("absent"), false));
    }
}
