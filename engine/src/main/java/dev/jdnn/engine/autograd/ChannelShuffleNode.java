package dev.jdnn.engine.autograd;

import dev.jdnn.engine.kernel.ChannelShuffle;
import dev.jdnn.engine.tensor.Tensor;
import java.util.List;

/** ShuffleNet's channel shuffle: channels viewed {@code (groups, C/groups)} and transposed. */
final class ChannelShuffleNode extends Node {

    private final int groups;

    private ChannelShuffleNode(Variable x, Variable y, int groups) {
        super(List.of(x), y);
        this.groups = groups;
    }

    static Variable apply(Variable x, int groups) {
        Graph graph = x.graph();
        if (x.shape().rank() < 2 || groups <= 0 || x.dim(1) % groups != 0) {
            throw new IllegalArgumentException("channel shuffle: groups (" + groups + ") must divide the channels of "
                    + x.shape());
        }
        Variable y = graph.output(x.shape(), x.requiresGrad());
        graph.traceLayer("channel_shuffle " + groups, y.shape(), 0);
        if (graph.isShapeOnly()) {
            return y;
        }
        Tensor in = x.value();
        Tensor out = y.value();
        graph.compute(() -> ChannelShuffle.forward(in, groups, out));
        graph.record(new ChannelShuffleNode(x, y, groups));
        return y;
    }

    @Override
    void backward(Tensor gradOutput) {
        inputs.get(0).accumulateGrad(gradInput -> ChannelShuffle.backward(gradOutput, groups, gradInput));
    }

    @Override
    String name() {
        return "channel_shuffle";
    }
}
