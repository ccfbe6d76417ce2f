package dev.jdnn.engine.autograd;

import dev.jdnn.engine.backend.TensorFormat;
import dev.jdnn.engine.kernel.ChannelScale;
import dev.jdnn.engine.tensor.Tensor;
import java.util.List;

/** Squeeze-and-excitation's broadcast multiply: {@code y (N, C, H, W) = x · s}, {@code s (N, C, 1, 1)}. */
final class ChannelScaleNode extends Node {

    private ChannelScaleNode(Variable x, Variable s, Variable y) {
        super(List.of(x, s), y);
    }

    static Variable apply(Variable x, Variable s) {
        Graph graph = x.graph();
        x.shape().requireRank(4, "channel scale: input", "N, C, H, W");
        if (s.shape().elementCount() != (long) x.dim(0) * x.dim(1)) {
            throw new IllegalArgumentException("channel scale: the scale must be (N, C) or (N, C, 1, 1) = ("
                    + x.dim(0) + ", " + x.dim(1) + "), got " + s.shape());
        }
        Variable y = graph.output(x.shape(), x.requiresGrad() || s.requiresGrad());
        graph.traceLayer("channel_scale", y.shape(), 0);
        if (graph.isShapeOnly()) {
            return y;
        }
        if (graph.fusing() && x.cheapestFormat(graph.activationFormat()) == TensorFormat.NHWC) {
            Tensor in = x.valueIn(TensorFormat.NHWC);
            Tensor scale = s.value();
            Tensor out = y.writableIn(TensorFormat.NHWC);
            graph.compute(() -> ChannelScale.forwardChannelsLast(in, scale, out));
            return y;
        }
        Tensor in = x.value();
        Tensor scale = s.value();
        Tensor out = y.value();
        graph.compute(() -> ChannelScale.forward(in, scale, out));
        graph.record(new ChannelScaleNode(x, s, y));
        return y;
    }

    @Override
    void backward(Tensor gradOutput) {
        Variable x = inputs.get(0);
        Variable s = inputs.get(1);
        x.accumulateGrad(gradInput -> ChannelScale.backward(x.value(), s.value(), gradOutput, gradInput, null));
        s.accumulateGrad(gradScale -> ChannelScale.backward(x.value(), s.value(), gradOutput, null, gradScale));
    }

    @Override
    String name() {
        return "channel_scale";
    }
}
