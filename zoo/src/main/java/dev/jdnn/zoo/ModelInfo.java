package dev.jdnn.zoo;

import java.util.Objects;

/**
 * What the registry knows of a model before building it.
 *
 * @param key                 the registry key, torchvision's name where torchvision has the model ({@code resnet50})
 * @param family              {@code ResNet}, {@code VGG}, ...
 * @param paper               the paper that introduced it ({@code He et al., Deep Residual Learning ...})
 * @param year                the paper's year
 * @param channels            input channels
 * @param height              default (native) input height
 * @param width               default input width
 * @param classes             classes of the published model (1000 for ImageNet)
 * @param publishedParameters trainable parameters of the published model with {@code classes} classes
 * @param top5ErrorPercent    the ImageNet top-5 error the seed texts quote for it, or {@code null}
 */
public record ModelInfo(String key, String family, String paper, int year, int channels, int height, int width,
                        int classes, long publishedParameters, Double top5ErrorPercent) {

    public ModelInfo {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(paper, "paper");
        if (channels <= 0 || height <= 0 || width <= 0 || classes <= 0 || publishedParameters <= 0) {
            throw new IllegalArgumentException("model " + key + ": sizes, classes and parameters must be positive");
        }
    }

    /** {@code CxHxW} of the default input. */
    public String inputText() {
        return channels + "x" + height + "x" + width;
    }
}
