package dev.jdnn.engine.autograd;

import dev.jdnn.engine.backend.Eltwise;
import dev.jdnn.engine.backend.EltwiseSpec;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.backend.TensorFormat;
import dev.jdnn.engine.kernel.Activation;
import dev.jdnn.engine.tensor.Tensor;
import java.util.List;

/** ReLU, Tanh, Sigmoid, SiLU, Hardswish, Hardsigmoid on the backend's element-wise op. */
final class ActivationNode extends Node {

    private final Eltwise op;

    private ActivationNode(Eltwise op, Variable x, Variable y) {
        super(List.of(x), y);
        this.op = op;
    }

    static Variable apply(Variable x, Activation function) {
        Graph graph = x.graph();
        EltwiseSpec spec = new EltwiseSpec(x.shape(), function);
        Variable y = graph.output(x.shape(), x.requiresGrad());
        graph.traceLayer(spec.name(), y.shape(), 0);
        if (graph.isShapeOnly()) {
            return y;
        }
        PendingConv conv = x.pendingConv();
        PostOp postOp = switch (function) {
            case RELU -> PostOp.RELU;
            case SILU -> PostOp.SILU;
            case HARDSWISH -> PostOp.HARDSWISH;
            case TANH, SIGMOID, HARDSIGMOID -> null;
        };
        if (postOp != null && graph.fusing() && conv != null && conv.acceptsActivation(postOp)) {
            y.defer(conv.withActivation(postOp));
            return y;
        }
        PendingBatchNorm batchNorm = x.pendingBatchNorm();
        if (function == Activation.RELU && graph.fusing() && batchNorm != null && !batchNorm.relu()) {
            y.defer(batchNorm.withRelu());
            return y;
        }
        TensorFormat format = graph.elementwiseFormat(x);
        if (format != TensorFormat.NCHW) {
            Eltwise op = graph.backend().eltwise(new EltwiseSpec(format.physicalShape(x.shape()), function));
            Tensor in = x.valueIn(format);
            Tensor out = y.writableIn(format);
            graph.compute(() -> op.forward(in, out));
            return y;
        }
        Eltwise op = graph.backend().eltwise(spec);
        Tensor in = x.value();
        Tensor out = y.value();
        graph.compute(() -> op.forward(in, out));
        graph.record(new ActivationNode(op, x, y));
        return y;
    }

    @Override
    void backward(Tensor gradOutput) {
        Variable x = inputs.get(0);
        x.accumulateGrad(gradInput -> op.backward(x.value(), output.value(), gradOutput, gradInput));
    }

    @Override
    String name() {
        return op.spec().name();
    }
}
