package dev.jdnn.engine.train.optim;

import dev.jdnn.engine.kernel.AdamCoefficients;
import dev.jdnn.engine.kernel.OptimizerSteps;
import dev.jdnn.engine.nn.Parameter;
import dev.jdnn.engine.tensor.Tensor;
import java.util.List;

/**
 * Adam's update, shared by {@link Adam} (L2 weight decay added to the gradient) and {@link AdamW} (decoupled weight
 * decay). Each parameter counts its own steps, as in PyTorch, so a parameter that missed a step has its own bias
 * correction. State: {@code <name>.exp_avg}, {@code <name>.exp_avg_sq} (tensors) and {@code <name>.step} (scalar).
 */
abstract sealed class AdamFamily extends ParameterOptimizer permits Adam, AdamW {

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;

    AdamFamily(String name, List<Parameter> parameters, double learningRate, double beta1, double beta2, double eps,
               double weightDecay, boolean decoupled) {
        super(name, parameters, HyperParameters.learningRate(name, learningRate), List.of("exp_avg", "exp_avg_sq"),
                true);
        HyperParameters.epsilon(name, eps);
        this.beta1 = HyperParameters.beta(name, 0, beta1);
        this.beta2 = HyperParameters.beta(name, 1, beta2);
        this.eps = eps;
        this.weightDecay = HyperParameters.weightDecay(name, weightDecay);
        this.decoupled = decoupled;
    }

    public final double beta1() {
        return beta1;
    }

    public final double beta2() {
        return beta2;
    }

    public final double eps() {
        return eps;
    }

    public final double weightDecay() {
        return weightDecay;
    }

    @Override
    final void update(int index, Parameter parameter, Tensor grad, ParameterStates states, double learningRate) {
        Tensor[] moments = states.buffersOrAllocate(index);
        long step = states.advance(index);
        OptimizerSteps.adam(parameter.value(), grad, moments[0], moments[1],
                AdamCoefficients.of(learningRate, beta1, beta2, eps, weightDecay, decoupled, step));
    }
}
