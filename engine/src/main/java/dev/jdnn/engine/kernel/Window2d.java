package dev.jdnn.engine.kernel;

/**
 * The geometry of a 2-D sliding window, shared by convolution (im2col) and pooling: kernel size, stride, symmetric
 * zero padding and dilation per axis, and whether output sizes round up (pooling's ceil mode). Output sizes follow
 * PyTorch's formulas exactly.
 */
public record Window2d(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, int dilationH,
                       int dilationW, boolean ceilMode) {

    public Window2d {
        requirePositive(kernelH, "kernel height");
        requirePositive(kernelW, "kernel width");
        requirePositive(strideH, "stride height");
        requirePositive(strideW, "stride width");
        requirePositive(dilationH, "dilation height");
        requirePositive(dilationW, "dilation width");
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("window: padding must be >= 0, got (" + padH + ", " + padW + ")");
        }
    }

    /** A square window: kernel {@code k}, stride {@code s}, padding {@code p}, no dilation, floor mode. */
    public static Window2d square(int kernel, int stride, int padding) {
        return new Window2d(kernel, kernel, stride, stride, padding, padding, 1, 1, false);
    }

    /** This window with dilation {@code (dh, dw)}. */
    public Window2d withDilation(int dh, int dw) {
        return new Window2d(kernelH, kernelW, strideH, strideW, padH, padW, dh, dw, ceilMode);
    }

    /** This window with ceil mode on or off. */
    public Window2d withCeilMode(boolean ceil) {
        return new Window2d(kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, ceil);
    }

    /** Output height for input height {@code inputH}; fails with a clear message when the window does not fit. */
    public int outputHeight(int inputH) {
        return outputSize(inputH, kernelH, strideH, padH, dilationH, "height");
    }

    /** Output width for input width {@code inputW}; fails with a clear message when the window does not fit. */
    public int outputWidth(int inputW) {
        return outputSize(inputW, kernelW, strideW, padW, dilationW, "width");
    }

    private int outputSize(int input, int kernel, int stride, int pad, int dilation, String axis) {
        long span = (long) dilation * (kernel - 1) + 1;
        long room = (long) input + 2L * pad - span;
        if (room < 0) {
            throw new IllegalArgumentException(
                    "window: the " + axis + " of the input (" + input + ", padded by " + pad + " on each side) is smaller"
                            + " than the window's span " + span + " (kernel " + kernel + ", dilation " + dilation + ")");
        }
        long out = (ceilMode ? Math.ceilDiv(room, stride) : room / stride) + 1;
        // PyTorch: in ceil mode the last window must start inside the input or its left padding.
        if (ceilMode && (out - 1) * stride >= input + pad) {
            out--;
        }
        return Math.toIntExact(out);
    }

    private static void requirePositive(int value, String what) {
        if (value <= 0) {
            throw new IllegalArgumentException("window: " + what + " must be positive, got " + value);
        }
    }
}
