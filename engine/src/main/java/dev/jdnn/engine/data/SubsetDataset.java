package dev.jdnn.engine.data;

import java.util.List;

/** Some images of another data set, chosen by index; nothing is copied. */
final class SubsetDataset implements ImageDataset {

    private final ImageDataset base;
    private final int[] indices; // (size) indices into base

    SubsetDataset(ImageDataset base, int[] indices) {
        this.base = base;
        this.indices = indices.clone();
        for (int i = 0; i < this.indices.length; i++) {
            int index = this.indices[i];
            if (index < 0 || index >= base.size()) {
                throw new IllegalArgumentException("subset: indices[" + i + "] must be in [0, " + base.size()
                        + ") for a data set of " + base.size() + " images, got " + index);
            }
        }
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public ImageShape imageShape() {
        return base.imageShape();
    }

    @Override
    public List<String> classNames() {
        return base.classNames();
    }

    @Override
    public int label(int index) {
        checkIndex(index, "subset label");
        return base.label(indices[index]);
    }

    @Override
    public void copyImage(int index, float[] target, int offset) {
        checkIndex(index, "subset copyImage");
        base.copyImage(indices[index], target, offset);
    }

    @Override
    public ImageDataset subset(int[] subsetIndices) {
        int[] composed = new int[subsetIndices.length];
        for (int i = 0; i < subsetIndices.length; i++) {
            checkIndex(subsetIndices[i], "subset: indices[" + i + "]");
            composed[i] = indices[subsetIndices[i]];
        }
        return new SubsetDataset(base, composed);
    }
}
