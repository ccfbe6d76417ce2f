package dev.jdnn.engine.backend;

/**
 * What a convolution does to its result before storing it (oneDNN's post-ops; the Java path applies them itself).
 * The activations are the ones the zoo's networks put right after a convolution (and its folded batch norm): ReLU
 * (ResNet, VGG, GoogLeNet, DenseNet), ReLU6 (MobileNet v2), SiLU (EfficientNet), Hardswish (MobileNet v3).
 */
public enum PostOp {
    /** {@code y = conv(x)}. */
    NONE,
    /** {@code y = max(conv(x), 0)}. */
    RELU,
    /** {@code y = conv(x) + y}: adds into what the output holds (a residual connection). */
    SUM,
    /** {@code y = max(conv(x) + y, 0)}: ResNet's block ending. */
    SUM_RELU,
    /** {@code y = min(max(conv(x), 0), 6)}: PyTorch's {@code ReLU6} (oneDNN's {@code clip} 0, 6). */
    RELU6,
    /** {@code y = s · sigmoid(s)}, {@code s = conv(x)}: PyTorch's {@code SiLU} (oneDNN's {@code swish}, alpha 1). */
    SILU,
    /** {@code y = s · min(max(s + 3, 0), 6) / 6}: PyTorch's {@code Hardswish} (oneDNN's {@code hardswish}). */
    HARDSWISH;

    /** Whether the output's previous contents are added in ({@link #SUM}, {@link #SUM_RELU}). */
    public boolean hasSum() {
        return this == SUM || this == SUM_RELU;
    }

    /** Whether ReLU ends it ({@link #RELU}, {@link #SUM_RELU}). */
    public boolean endsWithRelu() {
        return this == RELU || this == SUM_RELU;
    }
}
