package dev.jdnn.engine.nn;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;

/** {@code torch.nn.Dropout(p)}: active in training mode, the identity in evaluation mode. */
public final class Dropout extends Module {

    private final double p;

    public Dropout(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        }
        this.p = p;
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        return Functional.dropout(x, p);
    }
}
