package dev.jdnn.zoo.mobilenet;

import dev.jdnn.engine.nn.BatchNorm2d;

/**
 * The batch norm a network builds its blocks with, as torchvision's {@code norm_layer} partials: PyTorch's defaults,
 * or MobileNet v3's and EfficientNet-B5…B7's {@code partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)}.
 */
public record NormLayer(double epsilon, double momentum) {

    /** {@code nn.BatchNorm2d}: eps 1e-5, momentum 0.1. */
    public static final NormLayer DEFAULT = new NormLayer(1e-5, 0.1);
    /** {@code partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)}. */
    public static final NormLayer EPS_1E3_MOMENTUM_1E2 = new NormLayer(1e-3, 0.01);

    public BatchNorm2d create(int channels) {
        return new BatchNorm2d(channels, epsilon, momentum);
    }
}
