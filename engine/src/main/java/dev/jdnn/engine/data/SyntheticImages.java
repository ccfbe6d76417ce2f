package dev.jdnn.engine.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random images with random labels, the same for the same seed: for smoke-testing a training setup on any model
 * without a data set (every pixel and label is a function of the seed and the index, so nothing is stored).
 */
public final class SyntheticImages implements ImageDataset {

    private final ImageShape shape;
    private final int size;
    private final List<String> classNames;
    private final long seed;

    public SyntheticImages(ImageShape shape, int size, int classes, long seed) {
        if (size < 1 || classes < 1) {
            throw new IllegalArgumentException("synthetic images: size and classes must be positive, got " + size
                    + " and " + classes);
        }
        this.shape = shape;
        this.size = size;
        this.seed = seed;
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("class " + c);
        }
        this.classNames = List.copyOf(names);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public ImageShape imageShape() {
        return shape;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public int label(int index) {
        checkIndex(index, "synthetic images");
        return new SplittableRandom(seed * 31 + index).nextInt(classNames.size());
    }

    @Override
    public void copyImage(int index, float[] target, int offset) {
        checkIndex(index, "synthetic images");
        SplittableRandom random = new SplittableRandom(seed * 31 + index).split();
        for (int i = 0; i < shape.size(); i++) {
            target[offset + i] = (float) random.nextDouble();
        }
    }
}
