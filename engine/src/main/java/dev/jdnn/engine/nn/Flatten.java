package dev.jdnn.engine.nn;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;

/** {@code torch.nn.Flatten(start_dim=1)}: {@code (N, C, H, W)} to {@code (N, C·H·W)}, without copying. */
public final class Flatten extends Module {

    private final int startDim;

    public Flatten() {
        this(1);
    }

    public Flatten(int startDim) {
        this.startDim = startDim;
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        return Functional.flatten(x, startDim);
    }
}
