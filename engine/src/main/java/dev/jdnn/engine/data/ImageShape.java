package dev.jdnn.engine.data;

/** The size of one image: {@code (C, H, W)}. Every size is positive. */
public record ImageShape(int channels, int height, int width) {

    public ImageShape {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    "image shape must be positive, got (C, H, W) = (" + channels + ", " + height + ", " + width + ")");
        }
        if ((long) channels * height * width > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "image shape (" + channels + ", " + height + ", " + width + ") has too many values for a Java array");
        }
    }

    /** Values of one image: {@code C * H * W}. */
    public int size() {
        return channels * height * width;
    }

    /** Values of one channel: {@code H * W}. */
    public int planeSize() {
        return height * width;
    }

    @Override
    public String toString() {
        return "(" + channels + ", " + height + ", " + width + ")";
    }
}
