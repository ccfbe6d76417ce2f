package dev.jdnn.engine.testing;

import dev.jdnn.engine.kernel.Activation;

/**
 * The activation functions and their gradients in double, written from PyTorch's definitions (including what its
 * kernels do at the breakpoints and with NaN), for checking the f32 kernels.
 */
public final class ReferenceActivations {

    private ReferenceActivations() {
    }

    /** {@code f(x)}. */
    public static double forward(Activation f, double x) {
        return switch (f) {
            case RELU -> Math.max(x, 0); // NaN stays NaN, as in torch.relu
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case SILU -> x / (1 + Math.exp(-x));
            case HARDSWISH -> x * relu6(x + 3) / 6;
            case HARDSIGMOID -> relu6(x + 3) / 6;
        };
    }

    /**
     * {@code dy * f'(x)} as PyTorch's backward kernels compute it: from {@code y} for ReLU ({@code threshold_backward}
     * on the result: 0 where {@code y <= 0}, so a NaN passes {@code dy} through), Tanh and Sigmoid; from {@code x} for
     * the others, with Hardswish's and Hardsigmoid's breakpoint rules (a NaN {@code x} gives {@code dy} and 0).
     */
    public static double gradient(Activation f, double x, double y, double dy) {
        return switch (f) {
            case RELU -> y <= 0 ? 0 : dy;
            case TANH -> dy * (1 - y * y);
            case SIGMOID -> dy * y * (1 - y);
            case SILU -> {
                double s = 1 / (1 + Math.exp(-x));
                yield dy * s * (1 + x * (1 - s));
            }
            case HARDSWISH -> x < -3 ? 0 : x <= 3 ? dy * (x / 3 + 0.5) : dy;
            case HARDSIGMOID -> x > -3 && x < 3 ? dy / 6 : 0;
        };
    }

    private static double relu6(double x) {
        return Math.min(Math.max(x, 0), 6);
    }
}
