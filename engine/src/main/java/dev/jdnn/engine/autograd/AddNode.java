package dev.jdnn.engine.autograd;

import dev.jdnn.engine.backend.TensorFormat;
import dev.jdnn.engine.kernel.Activations;
import dev.jdnn.engine.tensor.Tensor;
import java.util.List;

/** Element-wise addition of two tensors of one shape (residual connections); the gradient goes to both unchanged. */
final class AddNode extends Node {

    private AddNode(Variable a, Variable b, Variable y) {
        super(List.of(a, b), y);
    }

    static Variable apply(Variable a, Variable b) {
        Graph graph = a.graph();
        b.shape().requireEqual(a.shape(), "add: second operand");
        Variable y = graph.output(a.shape(), a.requiresGrad() || b.requiresGrad());
        graph.traceLayer("add", y.shape(), 0);
        if (graph.isShapeOnly()) {
            return y;
        }
        if (graph.fusing()) {
            PendingConv left = a.pendingConv();
            PendingConv right = b.pendingConv();
            if (left != null && left.acceptsSum() && a != b) {
                y.defer(left.withSum(b));
                return y;
            }
            if (right != null && right.acceptsSum() && a != b) {
                y.defer(right.withSum(a));
                return y;
            }
        }
        TensorFormat format = graph.elementwiseFormat(a);
        Tensor left = a.valueIn(format);
        Tensor right = b.valueIn(format);
        Tensor sum = y.writableIn(format);
        graph.compute(() -> Activations.add(left, right, sum));
        graph.record(new AddNode(a, b, y));
        return y;
    }

    @Override
    void backward(Tensor gradOutput) {
        for (Variable input : inputs) {
            input.accumulateGrad(target -> target.copyFrom(gradOutput));
        }
    }

    @Override
    String name() {
        return "add";
    }
}
