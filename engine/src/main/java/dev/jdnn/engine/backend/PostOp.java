package dev.jdnn.engine.backend;

/** What a convolution does to its result before storing it (oneDNN's post-ops; the Java path applies them itself). */
public enum PostOp {
    /** {@code y = conv(x)}. */
    NONE,
    /** {@code y = max(conv(x), 0)}. */
    RELU,
    /** {@code y = conv(x) + y}: adds into what the output holds (a residual connection). */
    SUM,
    /** {@code y = max(conv(x) + y, 0)}: ResNet's block ending. */
    SUM_RELU
}
