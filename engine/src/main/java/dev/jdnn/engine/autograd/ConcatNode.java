package dev.jdnn.engine.autograd;

import dev.jdnn.engine.backend.Concat;
import dev.jdnn.engine.backend.ConcatSpec;
import dev.jdnn.engine.backend.TensorFormat;
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
        TensorFormat format = channelsLast(graph, inputs, spec.axis());
        if (format == TensorFormat.NHWC) {
            // a channel concatenation of (N, H, W, Ci) tensors is a concatenation along their last axis
            List<Shape> physical = new ArrayList<>();
            List<Tensor> values = new ArrayList<>();
            for (Variable input : inputs) {
                physical.add(format.physicalShape(input.shape()));
                values.add(input.valueIn(format));
            }
            Concat op = graph.backend().concat(new ConcatSpec(physical, 3));
            Tensor out = y.writableIn(format);
            graph.compute(() -> op.forward(values, out));
            return y;
        }
        Concat op = graph.backend().concat(spec);
        List<Tensor> values = new ArrayList<>();
        for (Variable input : inputs) {
            values.add(input.value());
        }
        Tensor out = y.value();
        graph.compute(() -> op.forward(values, out));
        graph.record(new ConcatNode(op, inputs, y));
        return y;
    }

    /**
     * NHWC when an inference pass keeps activations channels-last and every input of this channel concatenation is
     * readable in NHWC without conversion; NCHW otherwise.
     */
    private static TensorFormat channelsLast(Graph graph, List<Variable> inputs, int axis) {
        TensorFormat preferred = graph.activationFormat();
        if (preferred != TensorFormat.NHWC || axis != 1 || inputs.getFirst().shape().rank() != 4) {
            return TensorFormat.NCHW;
        }
        for (Variable input : inputs) {
            if (input.cheapestFormat(preferred) != preferred) {
                return TensorFormat.NCHW;
            }
        }
        return preferred;
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
