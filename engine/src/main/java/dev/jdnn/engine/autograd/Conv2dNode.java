package dev.jdnn.engine.autograd;

import dev.jdnn.engine.backend.Conv2dBackward;
import dev.jdnn.engine.backend.Conv2dSpec;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.tensor.Tensor;
import java.util.Arrays;

/** {@code conv2d}: the backend's convolution forward; backward data, weights and bias from its backward op. */
final class Conv2dNode extends Node {

    private final Conv2dSpec spec;

    private Conv2dNode(Conv2dSpec spec, Variable x, Variable weight, Variable bias, Variable y) {
        super(bias == null ? Arrays.asList(x, weight) : Arrays.asList(x, weight, bias), y);
        this.spec = spec;
    }

    static Variable apply(Variable x, Variable weight, Variable bias, Window2d window, int groups) {
        Graph graph = x.graph();
        x.shape().requireRank(4, "conv2d: input", "N, C, H, W");
        weight.shape().requireRank(4, "conv2d: weight", "OC, C/groups, KH, KW");
        int outChannels = weight.dim(0);
        Conv2dSpec spec = new Conv2dSpec(x.shape(), outChannels, window, groups, bias != null, PostOp.NONE);
        weight.shape().requireEqual(spec.weightShape(), "conv2d: weight");
        if (bias != null) {
            bias.shape().requireEqual(spec.biasShape(), "conv2d: bias");
        }
        boolean grad = Graph.anyRequiresGrad(bias == null ? Arrays.asList(x, weight) : Arrays.asList(x, weight, bias));
        Variable y = graph.output(spec.outputShape(), grad);
        graph.traceLayer("conv2d " + window.kernelH() + "x" + window.kernelW() + "/" + window.strideH()
                + (groups > 1 ? " groups " + groups : ""), y.shape(), spec.macs(), weight, bias);
        if (graph.isShapeOnly()) {
            return y;
        }
        if (graph.fusing()) {
            y.defer(new PendingConv(x, weight, bias, window, groups, null, PostOp.NONE, null));
            return y;
        }
        graph.computedOutsideCapture("conv2d (unfused)");
        graph.backend().conv2dForward(spec).run(x.value(), weight.value(), bias == null ? null : bias.value(),
                y.value());
        graph.record(new Conv2dNode(spec, x, weight, bias, y));
        return y;
    }

    @Override
    void backward(Tensor gradOutput) {
        Variable x = inputs.get(0);
        Variable weight = inputs.get(1);
        Variable bias = inputs.size() > 2 ? inputs.get(2) : null;
        Conv2dBackward op = output.graph().backend().conv2dBackward(spec);
        x.accumulateGrad(gradInput -> op.backwardData(gradOutput, weight.value(), gradInput));
        accumulateWeightGradients(weight, bias,
                (gradWeight, gradBias) -> op.backwardWeights(x.value(), gradOutput, gradWeight, gradBias));
    }

    @Override
    String name() {
        return "conv2d";
    }
}
