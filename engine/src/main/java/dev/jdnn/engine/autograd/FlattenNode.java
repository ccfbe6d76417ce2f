package dev.jdnn.engine.autograd;

import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.List;

/** {@code torch.flatten(x, startDim)}: a view of the same memory; the gradient is the output's, reshaped back. */
final class FlattenNode extends Node {

    private FlattenNode(Variable x, Variable y) {
        super(List.of(x), y);
    }

    static Variable apply(Variable x, int startDim) {
        Graph graph = x.graph();
        int rank = x.shape().rank();
        if (startDim < 0 || startDim >= rank) {
            throw new IllegalArgumentException("flatten: start dimension " + startDim + " is outside the input's "
                    + rank + " dimensions " + x.shape());
        }
        int[] dims = new int[startDim + 1];
        for (int i = 0; i < startDim; i++) {
            dims[i] = x.dim(i);
        }
        dims[startDim] = Math.toIntExact(x.shape().elementCountFrom(startDim));
        Shape shape = Shape.of(dims);
        graph.traceLayer("flatten", shape, 0);
        if (graph.isShapeOnly()) {
            return graph.output(shape, false);
        }
        Variable y = graph.view(x, x.value().reshape(dims), x.requiresGrad());
        graph.record(new FlattenNode(x, y));
        return y;
    }

    @Override
    void backward(Tensor gradOutput) {
        Variable x = inputs.get(0);
        x.accumulateGrad(target -> target.reshape(gradOutput.shape().dims()).copyFrom(gradOutput));
    }

    @Override
    String name() {
        return "flatten";
    }
}
