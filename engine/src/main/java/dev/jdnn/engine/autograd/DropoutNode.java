package dev.jdnn.engine.autograd;

import dev.jdnn.engine.kernel.Dropout;
import dev.jdnn.engine.kernel.DropoutMask;
import dev.jdnn.engine.tensor.Tensor;
import java.util.List;

/**
 * Dropout in training mode: zeroes each element with probability p and scales the rest by 1/(1 − p), the mask drawn
 * from the graph's seed and the op's index in the pass. In evaluation mode (or p = 0) it is the identity and returns
 * its input.
 */
final class DropoutNode extends Node {

    private DropoutMask mask;

    private DropoutNode(Variable x, Variable y, DropoutMask mask) {
        super(List.of(x), y);
        this.mask = mask;
    }

    static Variable apply(Variable x, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        }
        Graph graph = x.graph();
        if (!Autograd.isTraining() || p == 0) {
            return x;
        }
        Variable y = graph.output(x.shape(), x.requiresGrad());
        graph.traceLayer("dropout " + p, y.shape(), 0);
        if (graph.isShapeOnly()) {
            return y;
        }
        graph.computedOutsideCapture("dropout (training)");
        DropoutMask mask = DropoutMask.allocate(x.shape());
        Dropout.forward(x.value(), p, graph.seed(), graph.nextRandomCall(), mask, y.value());
        DropoutNode node = new DropoutNode(x, y, mask);
        graph.record(node);
        return y;
    }

    @Override
    void backward(Tensor gradOutput) {
        inputs.get(0).accumulateGrad(gradInput -> Dropout.backward(gradOutput, mask, gradInput));
    }

    @Override
    void release() {
        if (mask != null) {
            mask.close();
            mask = null;
        }
    }

    @Override
    String name() {
        return "dropout";
    }
}
