package dev.jdnn.engine.data;

import dev.jdnn.engine.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageFolderTest {

    private static final int HEIGHT = 3;
    private static final int WIDTH = 7;

    @TempDir
    Path root;

    private static int red(int x, int y) {
        return (x * 30 + y * 7) & 0xff;
    }

    private static int green(int x, int y) {
        return (200 - x * 9 + y) & 0xff;
    }

    private static int blue(int x, int y) {
        return (x * y * 11) & 0xff;
    }

    private static void writeRgb(Path file) throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                image.setRGB(x, y, red(x, y) << 16 | green(x, y) << 8 | blue(x, y));
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    private static void writeGrey(Path file, int level) throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                image.getRaster().setSample(x, y, 0, (level + x * 17 + y) & 0xff);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    @Test
    void classesAreSortedSubDirectoriesAndRgbPixelsComeOutExactly() throws IOException {
        writeRgb(root.resolve("zebra/b.png"));
        writeRgb(root.resolve("zebra/a.PNG"));
        writeRgb(root.resolve("ant/nested/x.png"));
        Files.writeString(root.resolve("ant/notes.txt"), "not an image");
        Files.createDirectories(root.resolve(".hidden"));
        ImageFolder data = ImageFolder.open(root, HEIGHT, WIDTH, 3);
        assertEquals(List.of("ant", "zebra"), data.classNames());
        assertEquals(3, data.size());
        assertEquals(0, data.label(0));
        assertEquals(1, data.label(1));
        assertTrue(data.file(1).endsWith("a.PNG"), data.file(1).toString());
        float[] expected = new float[3 * HEIGHT * WIDTH];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int i = y * WIDTH + x;
                expected[i] = (float) (red(x, y) / 255.0);
                expected[HEIGHT * WIDTH + i] = (float) (green(x, y) / 255.0);
                expected[2 * HEIGHT * WIDTH + i] = (float) (blue(x, y) / 255.0);
            }
        }
        Tolerance.assertBitsEqual(expected, data.image(2), "RGB image");
    }

    @Test
    void greyPngKeepsItsRawLevelsAndRgbTurnsIntoLuma() throws IOException {
        writeGrey(root.resolve("g/grey.png"), 40);
        writeRgb(root.resolve("r/rgb.png"));
        ImageFolder data = ImageFolder.open(root, HEIGHT, WIDTH, 1);
        float[] grey = data.image(0);
        float[] luma = data.image(1);
        double[] expectedLuma = new double[HEIGHT * WIDTH];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                assertEquals((float) (((40 + x * 17 + y) & 0xff) / 255.0), grey[y * WIDTH + x], "grey level at " + x);
                expectedLuma[y * WIDTH + x] = (0.299 * red(x, y) + 0.587 * green(x, y) + 0.114 * blue(x, y)) / 255.0;
            }
        }
        Tolerance.assertWithinUlps(expectedLuma, luma, 1, 0, "luma");
    }

    @Test
    void resizeIsBilinearWithAlignedCentres() throws IOException {
        writeGrey(root.resolve("g/grey.png"), 0);
        ImageFolder data = ImageFolder.open(root, 2 * HEIGHT, 2 * WIDTH, 1);
        float[] image = data.image(0);
        assertEquals(4 * HEIGHT * WIDTH, image.length);
        // Output (y, x) samples the source at ((y + 0.5) / 2 - 0.5, (x + 0.5) / 2 - 0.5), clamped to the edges.
        double[] expected = new double[image.length];
        for (int y = 0; y < 2 * HEIGHT; y++) {
            for (int x = 0; x < 2 * WIDTH; x++) {
                double sy = Math.clamp((y + 0.5) / 2 - 0.5, 0, HEIGHT - 1);
                double sx = Math.clamp((x + 0.5) / 2 - 0.5, 0, WIDTH - 1);
                int y0 = (int) sy;
                int x0 = (int) sx;
                int y1 = Math.min(y0 + 1, HEIGHT - 1);
                int x1 = Math.min(x0 + 1, WIDTH - 1);
                double wy = sy - y0;
                double wx = sx - x0;
                expected[y * 2 * WIDTH + x] = (1 - wy) * ((1 - wx) * level(x0, y0) + wx * level(x1, y0))
                        + wy * ((1 - wx) * level(x0, y1) + wx * level(x1, y1));
            }
        }
        Tolerance.assertWithinUlps(expected, image, 2, 0, "bilinear upsample");
    }

    private static double level(int x, int y) {
        return (float) (((x * 17 + y) & 0xff) / 255.0);
    }

    @Test
    void unreadableImageNamesTheFile() throws IOException {
        writeRgb(root.resolve("a/good.png"));
        Files.writeString(root.resolve("a/broken.png"), "this is not a PNG");
        ImageFolder data = ImageFolder.open(root, HEIGHT, WIDTH, 3);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> data.image(0));
        assertInstanceOf(DatasetFormatException.class, e.getCause());
        assertTrue(e.getMessage().contains("broken.png"), e.getMessage());
    }

    @Test
    void badArgumentsAndEmptyFoldersAreNamed() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.open(root, HEIGHT, WIDTH, 2));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> ImageFolder.open(root, HEIGHT, WIDTH, 3));
        assertTrue(e.getMessage().contains("sub-directory per class"), e.getMessage());
        Files.createDirectories(root.resolve("empty"));
        e = assertThrows(DatasetFormatException.class, () -> ImageFolder.open(root, HEIGHT, WIDTH, 3));
        assertTrue(e.getMessage().contains("empty") && e.getMessage().contains("no image"), e.getMessage());
    }
}
