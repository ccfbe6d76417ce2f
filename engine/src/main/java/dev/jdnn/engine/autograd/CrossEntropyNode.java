package dev.jdnn.engine.autograd;

import dev.jdnn.engine.kernel.CrossEntropy;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.List;

/** Softmax cross-entropy with optional label smoothing, mean over the batch: a single-element loss. */
final class CrossEntropyNode extends Node {

    private final int[] labels;
    private final double smoothing;

    private CrossEntropyNode(Variable logits, int[] labels, double smoothing, Variable loss) {
        super(List.of(logits), loss);
        this.labels = labels;
        this.smoothing = smoothing;
    }

    static Variable apply(Variable logits, int[] labels, double smoothing) {
        Graph graph = logits.graph();
        Variable loss = graph.output(Shape.of(), logits.requiresGrad());
        graph.traceLayer("cross_entropy", loss.shape(), 0);
        if (graph.isShapeOnly()) {
            return loss;
        }
        graph.computedOutsideCapture("cross entropy");
        double value = CrossEntropy.forward(logits.value(), labels, smoothing);
        loss.value().copyFrom(new float[] {(float) value});
        graph.record(new CrossEntropyNode(logits, labels.clone(), smoothing, loss));
        return loss;
    }

    @Override
    void backward(Tensor gradOutput) {
        float scale = gradOutput.toFloatArray()[0];
        Variable logits = inputs.get(0);
        logits.accumulateGrad(target -> CrossEntropy.backward(logits.value(), labels, smoothing, scale, target));
    }

    @Override
    String name() {
        return "cross_entropy";
    }
}
