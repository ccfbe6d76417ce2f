package dev.jdnn.engine.kernel;

/**
 * The element-wise activation functions, defined as PyTorch defines them ({@code torch.nn.ReLU}, {@code Tanh},
 * {@code Sigmoid}, {@code SiLU}, {@code Hardswish}, {@code Hardsigmoid}), including their gradients at the
 * breakpoints and what they do with NaN.
 *
 * <p>Each function's gradient is computed either from the forward output {@code y} or from the input {@code x},
 * whichever PyTorch saves for it ({@link #gradientFromOutput()}); the other may be absent, which is what lets a
 * forward run in place.
 */
public enum Activation {
    /**
     * {@code max(x, 0)}; NaN stays NaN. Gradient 0 where {@code y <= 0} (so 0 at {@code x = 0}), else {@code dy}
     * (a NaN {@code y} passes {@code dy} through, as PyTorch's {@code threshold_backward} does).
     */
    RELU("ReLU", true),
    /** {@code tanh(x)}. Gradient {@code dy * (1 - y²)}. */
    TANH("Tanh", true),
    /** {@code 1 / (1 + exp(-x))}. Gradient {@code dy * y * (1 - y)}. */
    SIGMOID("Sigmoid", true),
    /** {@code x * sigmoid(x)} (Swish). Gradient {@code dy * s * (1 + x * (1 - s))} with {@code s = sigmoid(x)}. */
    SILU("SiLU", false),
    /**
     * {@code x * relu6(x + 3) / 6}. Gradient 0 for {@code x < -3}, {@code dy * (x / 3 + 0.5)} for {@code x <= 3}, else
     * {@code dy} (NaN included, as in PyTorch).
     */
    HARDSWISH("Hardswish", false),
    /** {@code relu6(x + 3) / 6}. Gradient {@code dy / 6} for {@code -3 < x < 3}, else 0 (NaN too, as in PyTorch). */
    HARDSIGMOID("Hardsigmoid", false);

    private final String moduleName;
    private final boolean gradientFromOutput;

    Activation(String moduleName, boolean gradientFromOutput) {
        this.moduleName = moduleName;
        this.gradientFromOutput = gradientFromOutput;
    }

    /** PyTorch's module name ({@code "ReLU"}, {@code "SiLU"}, {@code "Hardswish"}), used in messages. */
    public String moduleName() {
        return moduleName;
    }

    /**
     * Whether the gradient is computed from the forward output {@code y} (ReLU, Tanh, Sigmoid) rather than from the
     * input {@code x} (SiLU, Hardswish, Hardsigmoid).
     */
    public boolean gradientFromOutput() {
        return gradientFromOutput;
    }

    @Override
    public String toString() {
        return moduleName;
    }
}
