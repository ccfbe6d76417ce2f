package dev.jdnn.engine.autograd;

import dev.jdnn.engine.backend.Pool2d;
import dev.jdnn.engine.backend.Pool2dSpec;
import dev.jdnn.engine.backend.TensorFormat;
import dev.jdnn.engine.kernel.AdaptiveAvgPool2d;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.List;

/** {@code adaptive_avg_pool2d(x, (OH, OW))} with PyTorch's windows. */
final class AdaptiveAvgPoolNode extends Node {

    private AdaptiveAvgPoolNode(Variable x, Variable y) {
        super(List.of(x), y);
    }

    static Variable apply(Variable x, int outputHeight, int outputWidth) {
        Graph graph = x.graph();
        Shape shape = AdaptiveAvgPool2d.outputShape(x.shape(), outputHeight, outputWidth);
        Variable y = graph.output(shape, x.requiresGrad());
        graph.traceLayer("adaptive_avgpool " + outputHeight + "x" + outputWidth, shape, 0);
        if (graph.isShapeOnly()) {
            return y;
        }
        if (outputHeight == 1 && outputWidth == 1 && graph.fusing()
                && x.cheapestFormat(graph.activationFormat()) == TensorFormat.NHWC) {
            // a channels-last inference pass: the backend's global average pooling reads NHWC; (N, C, 1, 1) is the
            // same memory in either layout
            Pool2dSpec global = Pool2dSpec.globalAverage(x.shape()).withFormat(TensorFormat.NHWC);
            Pool2d op = graph.backend().pool2d(global);
            Tensor in = x.valueIn(TensorFormat.NHWC);
            Tensor out = y.value().reshape(global.outputTensorShape().dims());
            graph.compute(() -> op.forward(in, out));
            return y;
        }
        Tensor in = x.value();
        Tensor out = y.value();
        graph.compute(() -> AdaptiveAvgPool2d.forward(in, out));
        graph.record(new AdaptiveAvgPoolNode(x, y));
        return y;
    }

    @Override
    void backward(Tensor gradOutput) {
        inputs.get(0).accumulateGrad(gradInput -> AdaptiveAvgPool2d.backward(gradOutput, gradInput));
    }

    @Override
    String name() {
        return "adaptive_avg_pool2d";
    }
}
