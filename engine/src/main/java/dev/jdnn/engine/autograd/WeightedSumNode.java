package dev.jdnn.engine.autograd;

import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.List;

/**
 * {@code Σ wᵢ·lossᵢ} of single-element losses (GoogLeNet's main loss plus 0.3 × each auxiliary one); each loss gets
 * its weight times the upstream gradient.
 */
final class WeightedSumNode extends Node {

    private final double[] weights;

    private WeightedSumNode(List<Variable> losses, double[] weights, Variable total) {
        super(List.copyOf(losses), total);
        this.weights = weights;
    }

    static Variable apply(List<Variable> losses, double[] weights) {
        if (losses.isEmpty() || losses.size() != weights.length) {
            throw new IllegalArgumentException("weighted sum: " + losses.size() + " losses and " + weights.length
                    + " weights (need the same, at least one)");
        }
        Graph graph = losses.getFirst().graph();
        for (Variable loss : losses) {
            if (loss.shape().elementCount() != 1) {
                throw new IllegalArgumentException("weighted sum: each loss must have one element, got " + loss.shape());
            }
        }
        Variable total = graph.output(Shape.of(), Graph.anyRequiresGrad(losses));
        graph.traceLayer("weighted_sum", total.shape(), 0);
        if (graph.isShapeOnly()) {
            return total;
        }
        graph.computedOutsideCapture("weighted sum");
        double sum = 0;
        for (int i = 0; i < losses.size(); i++) {
            sum += weights[i] * losses.get(i).value().toFloatArray()[0];
        }
        total.value().copyFrom(new float[] {(float) sum});
        graph.record(new WeightedSumNode(losses, weights.clone(), total));
        return total;
    }

    @Override
    void backward(Tensor gradOutput) {
        float upstream = gradOutput.toFloatArray()[0];
        for (int i = 0; i < inputs.size(); i++) {
            float g = (float) (weights[i] * upstream);
            inputs.get(i).accumulateGrad(target -> target.fill(g));
        }
    }

    @Override
    String name() {
        return "weighted_sum";
    }
}
