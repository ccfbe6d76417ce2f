package dev.jdnn.engine.train.optim;

import dev.jdnn.engine.kernel.OptimizerSteps;
import dev.jdnn.engine.kernel.SgdCoefficients;
import dev.jdnn.engine.nn.Parameter;
import dev.jdnn.engine.tensor.Tensor;
import java.util.List;

/**
 * Stochastic gradient descent with momentum, dampening, weight decay and Nesterov momentum: PyTorch's
 * {@code torch.optim.SGD}. Per parameter with a gradient, {@code g = grad + wd·p}; with momentum,
 * {@code buf = g} on the parameter's first update and {@code buf = momentum·buf + (1 − dampening)·g} after, then
 * {@code g = nesterov ? g + momentum·buf : buf}; finally {@code p −= lr·g}. The per-element order and rounding are
 * those of {@link dev.jdnn.engine.kernel.OptimizerKernels#sgd}.
 *
 * <p>State: {@code <parameter name>.momentum_buffer} when momentum is not 0.
 */
public final class Sgd extends ParameterOptimizer {

    private static final String NAME = "SGD";

    private final double momentum;
    private final double dampening;
    private final double weightDecay;
    private final boolean nesterov;

    /** Plain SGD: {@code p −= lr·grad}. */
    public Sgd(List<Parameter> parameters, double learningRate) {
        this(parameters, learningRate, 0, 0, 0, false);
    }

    /**
     * @param learningRate {@code >= 0}
     * @param momentum     {@code >= 0}; 0 keeps no buffer
     * @param dampening    scales the gradient into the buffer by {@code 1 − dampening}
     * @param weightDecay  {@code >= 0}, the L2 penalty's factor
     * @param nesterov     needs {@code momentum > 0} and {@code dampening == 0}
     */
    public Sgd(List<Parameter> parameters, double learningRate, double momentum, double dampening,
               double weightDecay, boolean nesterov) {
        super(NAME, parameters, HyperParameters.learningRate(NAME, learningRate),
                momentum != 0 ? List.of("momentum_buffer") : List.of(), false);
        this.momentum = HyperParameters.momentum(NAME, momentum);
        this.dampening = HyperParameters.dampening(NAME, dampening);
        this.weightDecay = HyperParameters.weightDecay(NAME, weightDecay);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException(NAME + ": Nesterov momentum requires a momentum and zero dampening"
                    + " (got momentum " + momentum + ", dampening " + dampening + ")");
        }
        this.nesterov = nesterov;
    }

    public double momentum() {
        return momentum;
    }

    public double dampening() {
        return dampening;
    }

    public double weightDecay() {
        return weightDecay;
    }

    public boolean nesterov() {
        return nesterov;
    }

    @Override
    void update(int index, Parameter parameter, Tensor grad, ParameterStates states, double learningRate) {
        if (momentum == 0) {
            OptimizerSteps.sgd(parameter.value(), grad, null,
                    SgdCoefficients.of(learningRate, momentum, dampening, weightDecay, false, false));
            return;
        }
        boolean firstStep = !states.has(index);
        Tensor buffer = states.buffersOrAllocate(index)[0];
        OptimizerSteps.sgd(parameter.value(), grad, buffer,
                SgdCoefficients.of(learningRate, momentum, dampening, weightDecay, nesterov, firstStep));
        states.advance(index);
    }
}
