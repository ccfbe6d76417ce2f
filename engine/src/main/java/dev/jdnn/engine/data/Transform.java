package dev.jdnn.engine.data;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A change made to one image while a batch is built (augmentation, normalization). Images are CHW float arrays.
 * Every random choice comes from the generator passed in, which the {@link DataLoader} seeds from (seed, epoch, batch,
 * position), so the same seed gives the same images whatever the threads do.
 */
public interface Transform {

    /** The size of an image after this transform, for an input of size {@code input}. */
    default ImageShape outputShape(ImageShape input) {
        return input;
    }

    /**
     * Transforms {@code image} ({@code shape.size()} values, CHW) and returns the result: {@code image} itself changed
     * in place, or a new array of {@code outputShape(shape).size()} values.
     */
    float[] apply(float[] image, ImageShape shape, RandomGenerator random);

    /** The transforms applied one after another (torchvision's {@code Compose}). */
    static Transform compose(Transform... transforms) {
        return new Compose(List.of(transforms));
    }

    /** Leaves images as they are. */
    static Transform identity() {
        return new Compose(List.of());
    }
}
