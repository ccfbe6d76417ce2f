package dev.jdnn.engine.data;

import java.util.List;
import java.util.random.RandomGenerator;

/** Transforms applied in order, each to the previous one's output (torchvision's {@code Compose}). */
public record Compose(List<Transform> transforms) implements Transform {

    public Compose {
        transforms = List.copyOf(transforms);
    }

    @Override
    public ImageShape outputShape(ImageShape input) {
        ImageShape shape = input;
        for (Transform transform : transforms) {
            shape = transform.outputShape(shape);
        }
        return shape;
    }

    @Override
    public float[] apply(float[] image, ImageShape shape, RandomGenerator random) {
        float[] current = image;
        ImageShape currentShape = shape;
        for (Transform transform : transforms) {
            current = transform.apply(current, currentShape, random);
            currentShape = transform.outputShape(currentShape);
        }
        return current;
    }
}
