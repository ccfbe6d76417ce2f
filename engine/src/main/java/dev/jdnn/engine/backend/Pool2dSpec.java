package dev.jdnn.engine.backend;

import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.tensor.Shape;
import java.util.Objects;

/**
 * Everything that fixes a 2-D pooling: input shape {@code (N, C, H, W)}, mode and window, with PyTorch's rules: ceil
 * mode allowed (a last window that would start in the right padding is dropped), dilation only for max pooling, padding
 * at most half the effective kernel. Global average pooling is the window of the whole plane:
 * {@link #globalAverage(Shape)}.
 */
public record Pool2dSpec(Shape input, PoolingMode mode, Window2d window, TensorFormat format) {

    /** A pooling on plain NCHW tensors. */
    public Pool2dSpec(Shape input, PoolingMode mode, Window2d window) {
        this(input, mode, window, TensorFormat.NCHW);
    }

    public Pool2dSpec {
        Objects.requireNonNull(format, "pool2d: format");
        Objects.requireNonNull(input, "pool2d: input shape");
        Objects.requireNonNull(mode, "pool2d: mode");
        Objects.requireNonNull(window, "pool2d: window");
        input.requireRank(4, "pool2d: input", "N, C, H, W");
        if (mode.isAverage() && (window.dilationH() != 1 || window.dilationW() != 1)) {
            throw new IllegalArgumentException("pool2d: dilation must be (1, 1) for " + mode
                    + " (average pooling has none), got (" + window.dilationH() + ", " + window.dilationW() + ")");
        }
        requireHalfPad("height", window.padH(), window.kernelH(), window.dilationH());
        requireHalfPad("width", window.padW(), window.kernelW(), window.dilationW());
        try {
            window.outputHeight(input.dim(2));
            window.outputWidth(input.dim(3));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pool2d: input " + input + ": " + e.getMessage(), e);
        }
    }

    /** Max pooling of {@code input} over {@code window}. */
    public static Pool2dSpec max(Shape input, Window2d window) {
        return new Pool2dSpec(input, PoolingMode.MAX, window);
    }

    /**
     * Global average pooling ({@code adaptive_avg_pool2d(x, 1)}): one window of the whole {@code (H, W)} plane, no
     * padding, output {@code (N, C, 1, 1)}.
     */
    public static Pool2dSpec globalAverage(Shape input) {
        input.requireRank(4, "pool2d: input", "N, C, H, W");
        int h = input.dim(2);
        int w = input.dim(3);
        return new Pool2dSpec(input, PoolingMode.AVG_EXCLUDE_PAD, new Window2d(h, w, h, w, 0, 0, 1, 1, false));
    }

    /** This spec on tensors in {@code format} (channels-last is for the inference forward only). */
    public Pool2dSpec withFormat(TensorFormat format) {
        return new Pool2dSpec(input, mode, window, format);
    }

    /** The input tensor's shape: {@link #input()} in {@link #format()}. */
    public Shape inputTensorShape() {
        return format.physicalShape(input);
    }

    /** The output tensor's shape: {@link #outputShape()} in {@link #format()}. */
    public Shape outputTensorShape() {
        return format.physicalShape(outputShape());
    }

    /** {@code (N, C, OH, OW)}. */
    public Shape outputShape() {
        return Shape.of(input.dim(0), input.dim(1), window.outputHeight(input.dim(2)),
                window.outputWidth(input.dim(3)));
    }

    /** PyTorch's rule: {@code pad <= ((kernel - 1) * dilation + 1) / 2}, per axis. */
    private static void requireHalfPad(String axis, int pad, int kernel, int dilation) {
        long effectiveKernel = (long) (kernel - 1) * dilation + 1;
        if (pad > effectiveKernel / 2) {
            throw new IllegalArgumentException("pool2d: pad should be at most half of effective kernel size, but got"
                    + " pad=" + pad + ", kernel_size=" + kernel + " and dilation=" + dilation + " (" + axis + ")");
        }
    }
}
