package dev.jdnn.engine.nn;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;

/** {@code torch.nn.LocalResponseNorm(size, alpha=1e-4, beta=0.75, k=1)} (AlexNet: size 5, k 2). */
public final class LocalResponseNorm extends Module {

    private final int size;
    private final float alpha;
    private final float beta;
    private final float k;

    public LocalResponseNorm(int size, float alpha, float beta, float k) {
        if (size <= 0) {
            throw new IllegalArgumentException("LocalResponseNorm: size must be positive, got " + size);
        }
        this.size = size;
        this.alpha = alpha;
        this.beta = beta;
        this.k = k;
    }

    public LocalResponseNorm(int size) {
        this(size, 1e-4f, 0.75f, 1f);
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        return Functional.localResponseNorm(x, size, alpha, beta, k);
    }
}
