package dev.jdnn.engine.data;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * {@code x = (x - mean[c]) / std[c]} for every value of channel c, in f32 (torchvision's {@code Normalize}).
 *
 * @param mean per channel
 * @param std  per channel, each positive
 */
public record Normalize(float[] mean, float[] std) implements Transform {

    public Normalize {
        mean = mean.clone();
        std = std.clone();
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("Normalize: mean and std must have one value per channel, got "
                    + mean.length + " means and " + std.length + " stds");
        }
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || !Float.isFinite(std[c]) || !Float.isFinite(mean[c])) {
                throw new IllegalArgumentException("Normalize: std[" + c + "] must be positive and finite and mean["
                        + c + "] finite, got mean " + mean[c] + ", std " + std[c]);
            }
        }
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public float[] apply(float[] image, ImageShape shape, RandomGenerator random) {
        if (shape.channels() != mean.length) {
            throw new IllegalArgumentException("Normalize: has " + mean.length + " channels, image " + shape + " has "
                    + shape.channels());
        }
        int plane = shape.planeSize();
        for (int c = 0; c < mean.length; c++) {
            float m = mean[c];
            float s = std[c];
            for (int i = c * plane, end = i + plane; i < end; i++) {
                image[i] = (image[i] - m) / s;
            }
        }
        return image;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Normalize that && Arrays.equals(mean, that.mean) && Arrays.equals(std, that.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalize[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
