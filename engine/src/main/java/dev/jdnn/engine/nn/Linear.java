package dev.jdnn.engine.nn;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import java.util.SplittableRandom;

/** {@code torch.nn.Linear}: {@code weight (out, in)}, {@code bias (out)}; input {@code (N, in)}. */
public final class Linear extends Module {

    private final int inFeatures;
    private final Parameter weight;
    private final Parameter bias;

    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true);
    }

    public Linear(int inFeatures, int outFeatures, boolean bias) {
        if (inFeatures <= 0 || outFeatures <= 0) {
            throw new IllegalArgumentException("Linear: in_features (" + inFeatures + ") and out_features ("
                    + outFeatures + ") must be positive");
        }
        this.inFeatures = inFeatures;
        this.weight = parameter("weight", outFeatures, inFeatures);
        this.bias = bias ? parameter("bias", outFeatures) : null;
    }

    @Override
    protected void resetParameters(SplittableRandom random) {
        double bound = Initializers.defaultBound(inFeatures);
        Initializers.uniform(weight.value(), bound, random);
        if (bias != null) {
            Initializers.uniform(bias.value(), bound, random);
        }
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        return Functional.linear(x, graph.parameter(weight), bias == null ? null : graph.parameter(bias));
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }
}
