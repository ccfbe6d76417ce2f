package dev.jdnn.engine.autograd;

import dev.jdnn.engine.backend.Lrn;
import dev.jdnn.engine.backend.LrnSpec;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.List;

/** Local response normalization across channels (AlexNet); a recorded one keeps the backend's workspace. */
final class LrnNode extends Node {

    private final Lrn op;
    private Tensor workspace;

    private LrnNode(Lrn op, Variable x, Variable y, Tensor workspace) {
        super(List.of(x), y);
        this.op = op;
        this.workspace = workspace;
    }

    static Variable apply(Variable x, int size, float alpha, float beta, float k) {
        Graph graph = x.graph();
        LrnSpec spec = new LrnSpec(x.shape(), size, alpha, beta, k);
        Variable y = graph.output(x.shape(), x.requiresGrad());
        graph.traceLayer("lrn " + size, y.shape(), 0);
        if (graph.isShapeOnly()) {
            return y;
        }
        Lrn op = graph.backend().lrn(spec);
        if (!y.requiresGrad()) {
            Tensor in = x.value();
            Tensor out = y.value();
            graph.compute(() -> op.forward(in, out));
            return y;
        }
        graph.computedOutsideCapture("lrn (training)");
        Shape workspaceShape = op.workspaceShape();
        Tensor workspace = workspaceShape == null ? null : graph.allocate(workspaceShape, DType.S8);
        op.forwardTraining(x.value(), y.value(), workspace);
        graph.record(new LrnNode(op, x, y, workspace));
        return y;
    }

    @Override
    void backward(Tensor gradOutput) {
        Variable x = inputs.get(0);
        x.accumulateGrad(gradInput -> op.backward(x.value(), gradOutput, workspace, gradInput));
    }

    @Override
    void release() {
        output.graph().free(workspace);
        workspace = null;
    }

    @Override
    String name() {
        return "lrn";
    }
}
