package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.Shape;

/**
 * Everything that fixes a 2-D batch normalization's primitive, as PyTorch's {@code BatchNorm2d}: input shape
 * {@code (N, C, H, W)} and {@code epsilon}, added to the variance before its square root; for inference also the
 * tensors' layout and whether a ReLU follows in the same pass ({@code relu}, oneDNN's {@code fuse_norm_relu}). Backends compile one
 * {@link BatchNorm2d} per spec and reuse it. Momentum and the running statistics' update belong to the layer, not here.
 */
public record BatchNormSpec(Shape input, double epsilon, TensorFormat format, boolean relu) {

    /** A batch norm on plain NCHW tensors. */
    public BatchNormSpec(Shape input, double epsilon) {
        this(input, epsilon, TensorFormat.NCHW, false);
    }

    public BatchNormSpec {
        input.requireRank(4, "batchnorm2d: input", "N, C, H, W");
        if (format == null) {
            throw new IllegalArgumentException("batchnorm2d: format must not be null");
        }
        // oneDNN takes epsilon as a float: a value that is no positive finite float cannot mean the same on both.
        if (!(epsilon > 0) || !Float.isFinite((float) epsilon) || (float) epsilon == 0f) {
            throw new IllegalArgumentException(
                    "batchnorm2d: epsilon must be positive and finite as a float, got " + epsilon);
        }
    }

    /** This spec on tensors in {@code format} (channels-last is for inference only). */
    public BatchNormSpec withFormat(TensorFormat format) {
        return new BatchNormSpec(input, epsilon, format, relu);
    }

    /** Whether this is a plain batch norm: NCHW, no ReLU fused (what training and backward take). */
    public boolean isPlain() {
        return format == TensorFormat.NCHW && !relu;
    }

    /** The input and output tensors' shape: {@link #input()} in {@link #format()}. */
    public Shape tensorShape() {
        return format.physicalShape(input);
    }

    /** {@code C}. */
    public int channels() {
        return input.dim(1);
    }

    /** {@code (C)}: weight (γ), bias (β), means, variances and their gradients. */
    public Shape channelShape() {
        return Shape.of(input.dim(1));
    }

    /** {@code N·H·W}: how many values each channel's statistics are taken over. */
    public long valuesPerChannel() {
        return (long) input.dim(0) * input.dim(2) * input.dim(3);
    }
}
