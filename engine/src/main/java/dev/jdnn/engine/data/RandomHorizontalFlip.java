package dev.jdnn.engine.data;

import java.util.random.RandomGenerator;

/** Mirrors the image left to right with probability {@code probability} (torchvision's default is 0.5). */
public record RandomHorizontalFlip(double probability) implements Transform {

    public RandomHorizontalFlip {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("RandomHorizontalFlip: probability must be in [0, 1], got " + probability);
        }
    }

    /** Flips half of the images. */
    public RandomHorizontalFlip() {
        this(0.5);
    }

    @Override
    public float[] apply(float[] image, ImageShape shape, RandomGenerator random) {
        if (random.nextDouble() < probability) {
            flip(image, shape);
        }
        return image;
    }

    /** Mirrors every row of every channel in place. */
    static void flip(float[] image, ImageShape shape) {
        int width = shape.width();
        for (int row = 0, rows = shape.channels() * shape.height(); row < rows; row++) {
            for (int left = row * width, right = left + width - 1; left < right; left++, right--) {
                float swap = image[left];
                image[left] = image[right];
                image[right] = swap;
            }
        }
    }
}
