package dev.jdnn.bench.conv;

import dev.jdnn.engine.backend.Conv2dSpec;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.tensor.Shape;
import java.util.Locale;

/**
 * One distinct convolution of a model, batch left open: {@code channels × height × width} in, {@code outChannels}
 * out, a square {@code kernel} with {@code stride} and {@code padding}, the bias and the post-op an inference compiler
 * fuses into it, and how many times the model runs it.
 *
 * @param name        the torchvision module of its first occurrence, prefixed by the model
 *                    ({@code resnet50.layer2.0.conv2}, {@code vgg16.features.12})
 * @param model       {@code resnet50}, {@code vgg16}, or {@code probe} for the overhead probe
 * @param occurrences how many convolutions of the model have exactly this shape and post-op
 */
public record ConvLayer(String name, String model, int occurrences, int channels, int height, int width,
                        int outChannels, int kernel, int stride, int padding, boolean bias, PostOp postOp) {

    public ConvLayer {
        if (name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("conv layer: a name must be one word, got '" + name + "'");
        }
        if (occurrences < 1) {
            throw new IllegalArgumentException("conv layer " + name + ": occurrences must be >= 1, got " + occurrences);
        }
        // fails clearly when a size is not positive or the window does not fit the input
        spec(1, channels, height, width, outChannels, kernel, stride, padding, bias, postOp);
    }

    /** The convolution on a batch of {@code batch} images, groups 1. */
    public Conv2dSpec spec(int batch) {
        return spec(batch, channels, height, width, outChannels, kernel, stride, padding, bias, postOp);
    }

    private static Conv2dSpec spec(int batch, int channels, int height, int width, int outChannels, int kernel,
                                   int stride, int padding, boolean bias, PostOp postOp) {
        return new Conv2dSpec(Shape.of(batch, channels, height, width), outChannels,
                Window2d.square(kernel, stride, padding), 1, bias, postOp);
    }

    /** Floating-point operations of one forward pass on {@code batch} images: {@code 2·MACs}. */
    public double flops(int batch) {
        return 2.0 * spec(batch).macs();
    }

    /** {@code 64x56x56-64-3-1-1}: {@code CxHxW-OC-kernel-stride-padding}. */
    public String shape() {
        return channels + "x" + height + "x" + width + "-" + outChannels + "-" + kernel + "-" + stride + "-" + padding;
    }

    /**
     * The line {@code bench/native/conv-layers.txt} holds for this layer, as the C harness reads it:
     * {@code name model occurrences C H W OC KH KW stride pad bias postop}.
     */
    public String textLine() {
        return String.join(" ", name, model, Integer.toString(occurrences), Integer.toString(channels),
                Integer.toString(height), Integer.toString(width), Integer.toString(outChannels),
                Integer.toString(kernel), Integer.toString(kernel), Integer.toString(stride),
                Integer.toString(padding), bias ? "1" : "0", postOp.name().toLowerCase(Locale.ROOT));
    }
}
