package dev.jdnn.engine.data;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** One image decoded by {@code javax.imageio}, as f32 planes in {@code [0, 1]}, and its bilinear resize. */
final class DecodedImage {

    // ITU-R 601-2 luma, as PIL's convert("L") that torchvision's Grayscale uses.
    private static final double LUMA_RED = 0.299;
    private static final double LUMA_GREEN = 0.587;
    private static final double LUMA_BLUE = 0.114;

    private final int channels;
    private final int height;
    private final int width;
    private final float[] planes; // (C, H, W)

    private DecodedImage(int channels, int height, int width, float[] planes) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.planes = planes;
    }

    /** Decodes {@code file} into {@code channels} planes (1: grey, 3: RGB); alpha is dropped. */
    static DecodedImage read(Path file, int channels) throws IOException {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new DatasetFormatException(file, "is not a readable image: " + e.getMessage());
        }
        if (image == null) {
            throw new DatasetFormatException(file, "is not an image javax.imageio can decode (PNG, JPEG, BMP, GIF)");
        }
        int height = image.getHeight();
        int width = image.getWidth();
        float[] planes = new float[channels * height * width];
        Raster raster = image.getRaster();
        boolean grey = raster.getNumBands() <= 2 && image.getColorModel().getNumColorComponents() == 1
                && image.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY;
        int plane = height * width;
        if (grey) {
            // The raw grey samples: getRGB would pass them through a linear-to-sRGB conversion and change them.
            double maximum = (1L << image.getColorModel().getComponentSize(0)) - 1;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    float value = (float) (raster.getSample(x, y, 0) / maximum);
                    for (int c = 0; c < channels; c++) {
                        planes[c * plane + y * width + x] = value;
                    }
                }
            }
        } else {
            int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
            for (int i = 0; i < plane; i++) {
                int red = argb[i] >>> 16 & 0xff;
                int green = argb[i] >>> 8 & 0xff;
                int blue = argb[i] & 0xff;
                if (channels == 1) {
                    planes[i] = (float) ((LUMA_RED * red + LUMA_GREEN * green + LUMA_BLUE * blue) / 255.0);
                } else {
                    planes[i] = (float) (red / 255.0);
                    planes[plane + i] = (float) (green / 255.0);
                    planes[2 * plane + i] = (float) (blue / 255.0);
                }
            }
        }
        return new DecodedImage(channels, height, width, planes);
    }

    int height() {
        return height;
    }

    int width() {
        return width;
    }

    /**
     * Writes this image resized to {@code outHeight x outWidth} into {@code target[offset ..]} (CHW): bilinear with
     * pixel centres aligned (PyTorch's {@code align_corners=False}), edges clamped; the same size copies exactly.
     */
    void resizeBilinear(int outHeight, int outWidth, float[] target, int offset) {
        if (outHeight == height && outWidth == width) {
            System.arraycopy(planes, 0, target, offset, planes.length);
            return;
        }
        double scaleY = (double) height / outHeight;
        double scaleX = (double) width / outWidth;
        for (int c = 0; c < channels; c++) {
            int source = c * height * width;
            int out = offset + c * outHeight * outWidth;
            for (int y = 0; y < outHeight; y++) {
                double sy = Math.clamp((y + 0.5) * scaleY - 0.5, 0.0, height - 1.0);
                int y0 = (int) sy;
                int y1 = Math.min(y0 + 1, height - 1);
                double wy = sy - y0;
                for (int x = 0; x < outWidth; x++) {
                    double sx = Math.clamp((x + 0.5) * scaleX - 0.5, 0.0, width - 1.0);
                    int x0 = (int) sx;
                    int x1 = Math.min(x0 + 1, width - 1);
                    double wx = sx - x0;
                    double top = planes[source + y0 * width + x0] * (1 - wx) + planes[source + y0 * width + x1] * wx;
                    double bottom = planes[source + y1 * width + x0] * (1 - wx) + planes[source + y1 * width + x1] * wx;
                    target[out + y * outWidth + x] = (float) (top * (1 - wy) + bottom * wy);
                }
            }
        }
    }
}
