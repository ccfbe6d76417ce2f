package dev.jdnn.engine.train.optim;

import dev.jdnn.engine.nn.Parameter;
import java.util.List;

/**
 * Adam (Kingma and Ba, 2015) as PyTorch's {@code torch.optim.Adam} (without {@code amsgrad}): weight decay is an L2
 * term added to the gradient, {@code g = grad + wd·p}; then {@code m = β1·m + (1 − β1)·g},
 * {@code v = β2·v + (1 − β2)·g²} and {@code p −= lr·(m / (1 − β1^t)) / (sqrt(v / (1 − β2^t)) + eps)} with the
 * parameter's own step count {@code t}, in the order and rounding of
 * {@link dev.jdnn.engine.kernel.OptimizerKernels#adam}.
 */
public final class Adam extends AdamFamily {

    private static final String NAME = "Adam";

    /** PyTorch's defaults: β = (0.9, 0.999), eps = 1e-8, no weight decay. */
    public Adam(List<Parameter> parameters, double learningRate) {
        this(parameters, learningRate, 0.9, 0.999, 1e-8, 0);
    }

    public Adam(List<Parameter> parameters, double learningRate, double beta1, double beta2, double eps,
                double weightDecay) {
        super(NAME, parameters, learningRate, beta1, beta2, eps, weightDecay, false);
    }
}
