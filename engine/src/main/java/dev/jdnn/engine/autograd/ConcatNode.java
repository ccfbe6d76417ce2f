package dev.jdnn.engine.autograd;

import dev.jdnn.engine.backend.Concat;
import dev.jdnn.engine.backend.ConcatSpec;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Concatenation along an axis (Inception's and DenseNet's channel concat); its gradient is the split. */
final class ConcatNode extends Node {

    private final Concat op;

    private ConcatNode(Concat op, List<Variable> inputs, Variable y) {
        super(List.copyOf(inputs), y);
        this.op = op;
    }

    static Variable apply(List<Variable> inputs, int axis) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("concat: needs at least one input");
        }
        Graph graph = inputs.getFirst().graph();
        List<Shape> shapes = new ArrayList<>();
        for (Variable input : inputs) {
            shapes.add(input.shape());
        }
        ConcatSpec spec = new ConcatSpec(shapes, axis);
        Variable y = graph.output(spec.outputShape(), Graph.anyRequiresGrad(inputs));
        graph.traceLayer("concat", y.shape(), 0);
        if (graph.isShapeOnly()) {
            return y;
        }
        Concat op = graph.backend().concat(spec);
        List<Tensor> values = new ArrayList<>();
        for (Variable input : inputs) {
            values.add(input.value());
        }
        op.forward(values, y.value());
        graph.record(new ConcatNode(op, inputs, y));
        return y;
    }

    @Override
    void backward(Tensor gradOutput) {
        Graph graph = output.graph();
        List<Tensor> parts = new ArrayList<>();
        for (Variable input : inputs) {
            parts.add(graph.allocate(input.shape()));
        }
        op.backward(gradOutput, parts);
        for (int i = 0; i < inputs.size(); i++) {
            Tensor part = parts.get(i);
            inputs.get(i).accumulateGrad(target -> target.copyFrom(part));
            graph.free(part);
        }
    }

    @Override
    String name() {
        return "concat";
    }
}
