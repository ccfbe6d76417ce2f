package dev.jdnn.engine.autograd;

import dev.jdnn.engine.backend.Pool2d;
import dev.jdnn.engine.backend.Pool2dSpec;
import dev.jdnn.engine.backend.PoolingMode;
import dev.jdnn.engine.backend.TensorFormat;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.List;

/** Max and average pooling; a recorded max pooling keeps the backend's workspace (where each maximum came from). */
final class Pool2dNode extends Node {

    private final Pool2d op;
    private Tensor workspace; // graph-owned, or null

    private Pool2dNode(Pool2d op, Variable x, Variable y, Tensor workspace) {
        super(List.of(x), y);
        this.op = op;
        this.workspace = workspace;
    }

    static Variable apply(Variable x, PoolingMode mode, Window2d window) {
        Graph graph = x.graph();
        Pool2dSpec spec = new Pool2dSpec(x.shape(), mode, window);
        Variable y = graph.output(spec.outputShape(), x.requiresGrad());
        graph.traceLayer((mode == PoolingMode.MAX ? "maxpool " : "avgpool ") + window.kernelH() + "x"
                + window.kernelW() + "/" + window.strideH() + (window.ceilMode() ? " ceil" : ""), y.shape(), 0);
        if (graph.isShapeOnly()) {
            return y;
        }
        if (!y.requiresGrad()) {
            TensorFormat format = graph.fusing() ? x.cheapestFormat(graph.activationFormat()) : TensorFormat.NCHW;
            Pool2d op = graph.backend().pool2d(spec.withFormat(format));
            Tensor in = x.valueIn(format);
            Tensor out = y.writableIn(format);
            graph.compute(() -> op.forward(in, out));
            return y;
        }
        Pool2d op = graph.backend().pool2d(spec);
        graph.computedOutsideCapture("pool2d (training)");
        Shape workspaceShape = op.workspaceShape();
        Tensor workspace = workspaceShape == null ? null : graph.allocate(workspaceShape, dev.jdnn.engine.tensor.DType.S8);
        op.forwardTraining(x.value(), y.value(), workspace);
        graph.record(new Pool2dNode(op, x, y, workspace));
        return y;
    }

    @Override
    void backward(Tensor gradOutput) {
        inputs.get(0).accumulateGrad(gradInput -> op.backward(gradOutput, workspace, gradInput));
    }

    @Override
    void release() {
        output.graph().free(workspace);
        workspace = null;
    }

    @Override
    String name() {
        return "pool2d";
    }
}
