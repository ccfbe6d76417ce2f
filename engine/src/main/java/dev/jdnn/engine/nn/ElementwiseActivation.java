package dev.jdnn.engine.nn;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.kernel.Activation;

/** The activation layers ({@link ReLU}, {@link Tanh}, ...): no parameters, one element-wise function. */
public abstract sealed class ElementwiseActivation extends Module
        permits ReLU, Tanh, Sigmoid, SiLU, Hardswish, Hardsigmoid {

    private final Activation function;

    ElementwiseActivation(Activation function) {
        this.function = function;
    }

    @Override
    protected final Variable forward(Graph graph, Variable x) {
        return Functional.activation(x, function);
    }

    public Activation function() {
        return function;
    }
}
