package dev.jdnn.zoo.efficientnet;

import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.nn.Module;

/**
 * torchvision's {@code ops.StochasticDepth(p, "row")}: in training, drops the whole residual branch of a sample with
 * probability {@code p} (scaling the kept by {@code 1 / (1 − p)}); the identity in evaluation. No parameters.
 */
public final class StochasticDepth extends Module {

    private final double p;

    public StochasticDepth(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("drop probability has to be between 0 and 1, but got " + p);
        }
        this.p = p;
    }

    public double p() {
        return p;
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        return Functional.stochasticDepth(x, p);
    }
}
