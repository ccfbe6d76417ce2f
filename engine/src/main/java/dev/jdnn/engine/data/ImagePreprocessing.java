package dev.jdnn.engine.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * torchvision's standard evaluation transform for a single image file: {@code Resize(resize)} (the shorter side to
 * {@code resize}, the other keeping the aspect ratio, bilinear), {@code CenterCrop(height, width)}, {@code ToTensor()}
 * and {@code Normalize(mean, std)} — what {@code jdnn infer} feeds a model. ImageNet models use
 * {@link #IMAGENET_MEAN}, {@link #IMAGENET_STD}, resize 256 and crop 224.
 */
public final class ImagePreprocessing {

    /** ImageNet's per-channel mean (RGB), as torchvision's weights expect. */
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    /** ImageNet's per-channel standard deviation (RGB). */
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    private ImagePreprocessing() {
    }

    /**
     * The image in {@code file} as {@code channels × height × width} floats (CHW), preprocessed as above.
     *
     * @throws DatasetFormatException if the file is not an image ImageIO can decode
     */
    public static float[] load(Path file, int channels, int resize, int height, int width, float[] mean, float[] std)
            throws IOException {
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException("preprocessing: mean and std need one value per channel (" + channels
                    + "), got " + mean.length + " and " + std.length);
        }
        if (resize < Math.min(height, width)) {
            throw new IllegalArgumentException("preprocessing: resizing the shorter side to " + resize
                    + " leaves too little for a " + height + "x" + width + " crop");
        }
        DecodedImage image = DecodedImage.read(file, channels);
        int h = image.height();
        int w = image.width();
        // torchvision's Resize(int): the shorter side becomes resize, the longer one int(resize * long / short).
        int resizedH = h <= w ? resize : (int) ((long) resize * h / w);
        int resizedW = h <= w ? (int) ((long) resize * w / h) : resize;
        if (resizedH < height || resizedW < width) {
            throw new IllegalArgumentException("preprocessing: " + file + " resized to " + resizedH + "x" + resizedW
                    + " is smaller than the " + height + "x" + width + " crop");
        }
        float[] resized = new float[channels * resizedH * resizedW];
        image.resizeBilinear(resizedH, resizedW, resized, 0);
        // CenterCrop: top = round((h - th) / 2), left = round((w - tw) / 2).
        int top = (int) Math.round((resizedH - height) / 2.0);
        int left = (int) Math.round((resizedW - width) / 2.0);
        float[] out = new float[channels * height * width];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    float v = resized[(c * resizedH + top + y) * resizedW + left + x];
                    out[(c * height + y) * width + x] = (v - mean[c]) / std[c];
                }
            }
        }
        return out;
    }
}
