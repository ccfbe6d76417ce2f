package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.Shape;

/**
 * The physical order of the axes of a 4-D activation whose logical dimensions are {@code (N, C, H, W)}. A tensor
 * holds the physical layout as its shape: an {@link #NHWC} tensor of logical {@code (N, C, H, W)} is a {@code Tensor}
 * of shape {@code (N, H, W, C)}, row-major.
 */
public enum TensorFormat {
    /** PyTorch's default: channels outside the pixels. */
    NCHW,
    /** Channels-last: the channels of one pixel are adjacent. */
    NHWC;

    /** How messages name an argument in {@code format}: {@code what}, with {@code " (NHWC)"} when channels-last. */
    static String name(String what, TensorFormat format) {
        return format == NCHW ? what : what + " (" + format + ", physical shape N, H, W, C)";
    }

    /** Whether a tensor of shape {@code tensor} holds logical {@code (n, c, h, w)} in this format; allocates nothing. */
    public boolean holds(Shape tensor, int n, int c, int h, int w) {
        if (tensor.rank() != 4 || tensor.dim(0) != n) {
            return false;
        }
        return switch (this) {
            case NCHW -> tensor.dim(1) == c && tensor.dim(2) == h && tensor.dim(3) == w;
            case NHWC -> tensor.dim(1) == h && tensor.dim(2) == w && tensor.dim(3) == c;
        };
    }

    /** The shape of a tensor holding logical {@code (N, C, H, W)} in this format. */
    public Shape physicalShape(Shape logical) {
        logical.requireRank(4, "tensor format: logical shape", "N, C, H, W");
        return switch (this) {
            case NCHW -> logical;
            case NHWC -> Shape.of(logical.dim(0), logical.dim(2), logical.dim(3), logical.dim(1));
        };
    }
}
