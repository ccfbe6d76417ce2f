package dev.jdnn.engine.data;

import java.util.random.RandomGenerator;

/**
 * Pads the image with {@code padding} zeros on every side, then cuts a {@code height x width} window at a uniformly
 * random place (torchvision's {@code RandomCrop(size, padding)}; {@code RandomCrop(32, 4)} for CIFAR).
 */
public record RandomCrop(int height, int width, int padding) implements Transform {

    public RandomCrop {
        if (height <= 0 || width <= 0 || padding < 0) {
            throw new IllegalArgumentException("RandomCrop: size must be positive and padding non-negative, got "
                    + height + "x" + width + " with padding " + padding);
        }
    }

    /** A square crop. */
    public RandomCrop(int size, int padding) {
        this(size, size, padding);
    }

    @Override
    public ImageShape outputShape(ImageShape input) {
        if (height > input.height() + 2 * padding || width > input.width() + 2 * padding) {
            throw new IllegalArgumentException("RandomCrop: a " + height + "x" + width + " crop does not fit image "
                    + input + " padded by " + padding);
        }
        return new ImageShape(input.channels(), height, width);
    }

    @Override
    public float[] apply(float[] image, ImageShape shape, RandomGenerator random) {
        ImageShape out = outputShape(shape);
        int top = random.nextInt(shape.height() + 2 * padding - height + 1) - padding;
        int left = random.nextInt(shape.width() + 2 * padding - width + 1) - padding;
        return crop(image, shape, top, left, out);
    }

    /** The window whose top-left corner is at ({@code top}, {@code left}) of the unpadded image (may be negative). */
    static float[] crop(float[] image, ImageShape shape, int top, int left, ImageShape out) {
        float[] result = new float[out.size()];
        int inPlane = shape.planeSize();
        int outPlane = out.planeSize();
        int firstColumn = Math.max(0, -left);                              // in the output
        int lastColumn = Math.min(out.width(), shape.width() - left);      // exclusive
        for (int c = 0; c < out.channels(); c++) {
            for (int y = 0; y < out.height(); y++) {
                int sourceRow = top + y;
                if (sourceRow < 0 || sourceRow >= shape.height() || firstColumn >= lastColumn) {
                    continue; // a row of padding: already zero
                }
                System.arraycopy(image, c * inPlane + sourceRow * shape.width() + left + firstColumn,
                        result, c * outPlane + y * out.width() + firstColumn, lastColumn - firstColumn);
            }
        }
        return result;
    }
}
