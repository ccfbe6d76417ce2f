package dev.jdnn.engine.autograd;

import dev.jdnn.engine.backend.Linear;
import dev.jdnn.engine.backend.LinearSpec;
import dev.jdnn.engine.tensor.Tensor;
import java.util.Arrays;

/** The fully connected layer {@code y (N, out) = x (N, in) · Wᵀ + b} on the backend's inner product. */
final class LinearNode extends Node {

    private final Linear op;

    private LinearNode(Linear op, Variable x, Variable weight, Variable bias, Variable y) {
        super(bias == null ? Arrays.asList(x, weight) : Arrays.asList(x, weight, bias), y);
        this.op = op;
    }

    static Variable apply(Variable x, Variable weight, Variable bias) {
        Graph graph = x.graph();
        x.shape().requireRank(2, "linear: input", "N, in_features");
        weight.shape().requireRank(2, "linear: weight", "out_features, in_features");
        LinearSpec spec = new LinearSpec(x.dim(0), x.dim(1), weight.dim(0), bias != null);
        weight.shape().requireEqual(spec.weightShape(), "linear: weight");
        if (bias != null) {
            bias.shape().requireEqual(spec.biasShape(), "linear: bias");
        }
        boolean grad = Graph.anyRequiresGrad(bias == null ? Arrays.asList(x, weight) : Arrays.asList(x, weight, bias));
        Variable y = graph.output(spec.outputShape(), grad);
        graph.traceLayer("linear " + spec.inFeatures() + "→" + spec.outFeatures(), y.shape(), spec.macs(), weight,
                bias);
        if (graph.isShapeOnly()) {
            return y;
        }
        Linear op = graph.backend().linear(spec);
        Tensor in = x.value();
        Tensor w = weight.value();
        Tensor b = bias == null ? null : bias.value();
        Tensor out = y.value();
        graph.compute(() -> op.forward(in, w, b, out));
        graph.record(new LinearNode(op, x, weight, bias, y));
        return y;
    }

    @Override
    void backward(Tensor gradOutput) {
        Variable x = inputs.get(0);
        Variable weight = inputs.get(1);
        Variable bias = inputs.size() > 2 ? inputs.get(2) : null;
        x.accumulateGrad(gradInput -> op.backwardData(gradOutput, weight.value(), gradInput));
        accumulateWeightGradients(weight, bias,
                (gradWeight, gradBias) -> op.backwardWeights(x.value(), gradOutput, gradWeight, gradBias));
    }

    @Override
    String name() {
        return "linear";
    }
}
