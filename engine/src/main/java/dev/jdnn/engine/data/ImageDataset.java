package dev.jdnn.engine.data;

import java.util.List;

/**
 * Labelled images of one size, read by index. Images come out as f32 values in {@code [0, 1]} in CHW order; a data
 * set may keep them compactly (one byte per value) or decode them on demand.
 *
 * <p>Implementations are safe to read from several threads at once.
 */
public interface ImageDataset {

    /** Number of images. */
    int size();

    /** The size {@code (C, H, W)} of every image. */
    ImageShape imageShape();

    /** Class names, index = label (torchvision's {@code classes}). */
    List<String> classNames();

    /** The label of image {@code index}, in {@code [0, classes())}. */
    int label(int index);

    /**
     * Writes image {@code index} as {@code C * H * W} values in {@code [0, 1]} (CHW order) into
     * {@code target[offset ..]}.
     */
    void copyImage(int index, float[] target, int offset);

    /** Channels per image. */
    default int channels() {
        return imageShape().channels();
    }

    /** Image height in pixels. */
    default int height() {
        return imageShape().height();
    }

    /** Image width in pixels. */
    default int width() {
        return imageShape().width();
    }

    /** Number of classes. */
    default int classes() {
        return classNames().size();
    }

    /** Image {@code index} as a new array (CHW order, values in {@code [0, 1]}). */
    default float[] image(int index) {
        float[] image = new float[imageShape().size()];
        copyImage(index, image, 0);
        return image;
    }

    /** A view of the images at {@code indices} (in that order; repeats allowed), without copying them. */
    default ImageDataset subset(int[] indices) {
        return new SubsetDataset(this, indices);
    }

    /** A view of the first {@code count} images. */
    default ImageDataset first(int count) {
        if (count < 0 || count > size()) {
            throw new IllegalArgumentException(
                    "first: count must be in [0, " + size() + "] for a data set of " + size() + " images, got " + count);
        }
        int[] indices = new int[count];
        for (int i = 0; i < count; i++) {
            indices[i] = i;
        }
        return subset(indices);
    }

    /** Fails with a message naming {@code what} unless {@code index} is in {@code [0, size())}. */
    default void checkIndex(int index, String what) {
        if (index < 0 || index >= size()) {
            throw new IllegalArgumentException(what + ": image index must be in [0, " + size() + "), got " + index);
        }
    }
}
