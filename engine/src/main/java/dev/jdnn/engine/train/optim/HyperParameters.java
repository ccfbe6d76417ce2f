package dev.jdnn.engine.train.optim;

/**
 * The checks PyTorch's optimizers make on their hyper-parameters, with PyTorch's wording, followed by what was
 * expected. NaN fails every check.
 */
final class HyperParameters {

    private HyperParameters() {
    }

    static double learningRate(String optimizer, double lr) {
        return atLeastZero(optimizer, "Invalid learning rate: ", lr, "lr");
    }

    static double momentum(String optimizer, double momentum) {
        return atLeastZero(optimizer, "Invalid momentum value: ", momentum, "momentum");
    }

    static double weightDecay(String optimizer, double weightDecay) {
        return atLeastZero(optimizer, "Invalid weight_decay value: ", weightDecay, "weight_decay");
    }

    static double epsilon(String optimizer, double eps) {
        return atLeastZero(optimizer, "Invalid epsilon value: ", eps, "eps");
    }

    /** {@code 0 <= beta < 1}; {@code index} is 0 for β1 and 1 for β2, as in PyTorch's {@code betas} tuple. */
    static double beta(String optimizer, int index, double beta) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException(optimizer + ": Invalid beta parameter at index " + index + ": " + beta
                    + " (expected 0 <= beta" + (index + 1) + " < 1)");
        }
        return beta;
    }

    static double dampening(String optimizer, double dampening) {
        if (!Double.isFinite(dampening)) {
            throw new IllegalArgumentException(optimizer + ": Invalid dampening value: " + dampening
                    + " (expected a finite number)");
        }
        return dampening;
    }

    private static double atLeastZero(String optimizer, String pytorchMessage, double value, String name) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(
                    optimizer + ": " + pytorchMessage + value + " (expected finite " + name + " >= 0)");
        }
        return value;
    }
}
