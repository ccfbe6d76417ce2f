package dev.jdnn.engine.data;

import dev.jdnn.engine.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransformsTest {

    /** Value of channel c, row y, column x: distinct and non-zero everywhere, so moved and padded pixels show. */
    private static float value(int c, int y, int x) {
        return 1 + c * 1000 + y * 37 + x;
    }

    private static float[] image(ImageShape shape) {
        float[] image = new float[shape.size()];
        for (int c = 0; c < shape.channels(); c++) {
            for (int y = 0; y < shape.height(); y++) {
                for (int x = 0; x < shape.width(); x++) {
                    image[(c * shape.height() + y) * shape.width() + x] = value(c, y, x);
                }
            }
        }
        return image;
    }

    /** Crop of the zero-padded image whose top-left corner is at (top, left) of the unpadded image. */
    private static float[] referenceCrop(ImageShape shape, int top, int left, int height, int width) {
        float[] out = new float[shape.channels() * height * width];
        for (int c = 0; c < shape.channels(); c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int sy = top + y;
                    int sx = left + x;
                    boolean inside = sy >= 0 && sy < shape.height() && sx >= 0 && sx < shape.width();
                    out[(c * height + y) * width + x] = inside ? value(c, sy, sx) : 0f;
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void cropWithPaddingMovesPixelsAndFillsZeros(int padding) {
        for (int[] size : new int[][] {{1, 1}, {2, 3}, {7, 5}, {17, 15}}) {
            ImageShape shape = new ImageShape(2, size[0], size[1]);
            for (int height : new int[] {1, size[0]}) {
                for (int width : new int[] {1, size[1]}) {
                    ImageShape out = new ImageShape(2, height, width);
                    for (int top = -padding; top <= size[0] + padding - height; top++) {
                        for (int left = -padding; left <= size[1] + padding - width; left++) {
                            Tolerance.assertBitsEqual(referenceCrop(shape, top, left, height, width),
                                    RandomCrop.crop(image(shape), shape, top, left, out),
                                    "crop " + shape + " at (" + top + ", " + left + ") to " + out);
                        }
                    }
                }
            }
        }
    }

    @Test
    void randomCropVisitsEveryOffsetAndNoOther() {
        ImageShape shape = new ImageShape(3, 7, 5);
        RandomCrop crop = new RandomCrop(7, 5, 2);
        assertEquals(shape, crop.outputShape(shape));
        Set<String> seen = new HashSet<>();
        SplittableRandom random = new SplittableRandom(42);
        for (int draw = 0; draw < 2_000; draw++) {
            float[] out = crop.apply(image(shape), shape, random);
            String found = null;
            for (int top = -2; top <= 2 && found == null; top++) {
                for (int left = -2; left <= 2 && found == null; left++) {
                    if (java.util.Arrays.equals(out, referenceCrop(shape, top, left, 7, 5))) {
                        found = top + "," + left;
                    }
                }
            }
            assertTrue(found != null, "draw " + draw + " is no window of the padded image");
            seen.add(found);
        }
        assertEquals(25, seen.size(), "offsets seen: " + seen);
        assertThrows(IllegalArgumentException.class, () -> new RandomCrop(12, 1).outputShape(shape));
        assertThrows(IllegalArgumentException.class, () -> new RandomCrop(0, 1));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 16, 17})
    void flipMirrorsEveryRowOfEveryChannel(int width) {
        ImageShape shape = new ImageShape(3, 2, width);
        float[] flipped = new RandomHorizontalFlip(1).apply(image(shape), shape, new SplittableRandom(1));
        float[] expected = new float[shape.size()];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 2; y++) {
                for (int x = 0; x < width; x++) {
                    expected[(c * 2 + y) * width + x] = value(c, y, width - 1 - x);
                }
            }
        }
        Tolerance.assertBitsEqual(expected, flipped, "flip");
        Tolerance.assertBitsEqual(image(shape),
                new RandomHorizontalFlip(0).apply(image(shape), shape, new SplittableRandom(1)), "p = 0");
    }

    @Test
    void flipHalfTheTime() {
        ImageShape shape = new ImageShape(1, 1, 2);
        RandomHorizontalFlip flip = new RandomHorizontalFlip();
        SplittableRandom random = new SplittableRandom(7);
        int flips = 0;
        int draws = 10_000;
        for (int i = 0; i < draws; i++) {
            if (flip.apply(image(shape), shape, random)[0] != value(0, 0, 0)) {
                flips++;
            }
        }
        // Binomial(10000, 0.5): standard deviation 50; 5 of them is far beyond chance.
        assertTrue(Math.abs(flips - draws / 2) < 250, "flipped " + flips + " of " + draws);
        assertThrows(IllegalArgumentException.class, () -> new RandomHorizontalFlip(1.5));
    }

    @Test
    void normalizeIsTheF32FormulaPerChannel() {
        ImageShape shape = new ImageShape(3, 3, 7);
        float[] mean = {0.4914f, 0.4822f, 0.4465f};
        float[] std = {0.2470f, 0.2435f, 0.2616f};
        float[] input = new float[shape.size()];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < input.length; i++) {
            input[i] = random.nextInt(256) / 255f;
        }
        float[] expected = new float[input.length];
        double[] exact = new double[input.length];
        for (int c = 0; c < 3; c++) {
            for (int i = c * 21; i < (c + 1) * 21; i++) {
                expected[i] = (input[i] - mean[c]) / std[c];
                exact[i] = ((double) input[i] - mean[c]) / std[c];
            }
        }
        float[] normalized = new Normalize(mean, std).apply(input.clone(), shape, random);
        Tolerance.assertBitsEqual(expected, normalized, "normalize");
        // One rounding in the subtraction and one in the division: within 2 ulps of the exact quotient.
        Tolerance.assertWithinUlps(exact, normalized, 2, 0, "normalize vs exact");
        assertThrows(IllegalArgumentException.class,
                () -> new Normalize(new float[] {0}, new float[] {1}).apply(input, shape, random));
        assertThrows(IllegalArgumentException.class, () -> new Normalize(new float[] {0}, new float[] {0}));
    }

    @Test
    void lightingAddsOneOffsetPerChannelFromImageNetsPrincipalComponents() {
        ImageShape shape = new ImageShape(3, 15, 17);
        float[] input = image(shape);
        long seed = 99;
        float[] lit = new Lighting(0.1).apply(input.clone(), shape, new SplittableRandom(seed));
        SplittableRandom replay = new SplittableRandom(seed);
        double[] alpha = {replay.nextGaussian() * 0.1, replay.nextGaussian() * 0.1, replay.nextGaussian() * 0.1};
        for (int c = 0; c < 3; c++) {
            double offset = 0;
            for (int j = 0; j < 3; j++) {
                offset += Lighting.EIGENVECTORS[c][j] * alpha[j] * Lighting.EIGENVALUES[j];
            }
            float expectedOffset = (float) offset;
            assertNotEquals(0f, expectedOffset);
            for (int i = c * shape.planeSize(); i < (c + 1) * shape.planeSize(); i++) {
                assertEquals(input[i] + expectedOffset, lit[i], "channel " + c + " value " + i);
            }
        }
        Tolerance.assertBitsEqual(input, new Lighting(0).apply(input.clone(), shape, new SplittableRandom(1)),
                "sigma 0");
        assertThrows(IllegalArgumentException.class,
                () -> new Lighting().apply(new float[4], new ImageShape(1, 2, 2), new SplittableRandom(1)));
    }

    @Test
    void composeChainsShapesAndTransforms() {
        ImageShape shape = new ImageShape(1, 4, 4);
        Transform pipeline = Transform.compose(new RandomCrop(3, 0), new RandomHorizontalFlip(1),
                new Normalize(new float[] {1}, new float[] {2}));
        assertEquals(new ImageShape(1, 3, 3), pipeline.outputShape(shape));
        SplittableRandom random = new SplittableRandom(5);
        float[] out = pipeline.apply(image(shape), shape, random);
        SplittableRandom replay = new SplittableRandom(5);
        int top = replay.nextInt(2);
        int left = replay.nextInt(2);
        float[] expected = referenceCrop(shape, top, left, 3, 3);
        RandomHorizontalFlip.flip(expected, new ImageShape(1, 3, 3));
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (expected[i] - 1) / 2;
        }
        assertArrayEquals(expected, out);
        Tolerance.assertBitsEqual(image(shape), Transform.identity().apply(image(shape), shape, random), "identity");
    }
}
