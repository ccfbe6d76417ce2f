package dev.jdnn.engine.data;

import java.util.random.RandomGenerator;

/**
 * AlexNet's colour augmentation ("PCA lighting", Krizhevsky, Sutskever and Hinton 2012, §4.1): adds to every pixel of
 * an RGB image the same offset {@code Σ_j eigenvector_j · alpha_j · eigenvalue_j}, with {@code alpha_j ~ N(0, sigma)}
 * drawn once per image, where the eigenvectors and eigenvalues are those of the covariance of ImageNet's RGB values.
 * Channel c thus moves by one constant; values are not clamped. Apply it to values in [0, 1], before normalization.
 *
 * <p>The eigen-decomposition is the one of Facebook's fb.resnet.torch ({@code datasets/imagenet.lua}, {@code pca}),
 * computed on ImageNet's training set with pixels scaled to [0, 1] and copied by most PyTorch reimplementations (the
 * paper does not publish its own); the paper uses sigma = 0.1.
 */
public record Lighting(double sigma) implements Transform {

    /** ImageNet's RGB covariance eigenvalues, largest first (fb.resnet.torch). */
    static final double[] EIGENVALUES = {0.2175, 0.0188, 0.0045};

    /** ImageNet's RGB covariance eigenvectors: row = channel (R, G, B), column j = eigenvector j (fb.resnet.torch). */
    static final double[][] EIGENVECTORS = {
            {-0.5675, 0.7192, 0.4009},
            {-0.5808, -0.0045, -0.8140},
            {-0.5836, -0.6948, 0.4203},
    };

    public Lighting {
        if (!(sigma >= 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("Lighting: sigma must be non-negative and finite, got " + sigma);
        }
    }

    /** The paper's setting, sigma = 0.1. */
    public Lighting() {
        this(0.1);
    }

    @Override
    public float[] apply(float[] image, ImageShape shape, RandomGenerator random) {
        if (shape.channels() != 3) {
            throw new IllegalArgumentException("Lighting: needs an RGB image (3 channels), got " + shape);
        }
        double[] alpha = new double[3];
        for (int j = 0; j < 3; j++) {
            alpha[j] = random.nextGaussian() * sigma;
        }
        int plane = shape.planeSize();
        for (int c = 0; c < 3; c++) {
            float offset = (float) offset(c, alpha);
            for (int i = c * plane, end = i + plane; i < end; i++) {
                image[i] += offset;
            }
        }
        return image;
    }

    /** The offset added to channel {@code c} for the draws {@code alpha}. */
    static double offset(int c, double[] alpha) {
        double sum = 0;
        for (int j = 0; j < 3; j++) {
            sum += EIGENVECTORS[c][j] * alpha[j] * EIGENVALUES[j];
        }
        return sum;
    }
}
