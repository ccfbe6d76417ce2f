package dev.jdnn.engine.autograd;

import dev.jdnn.engine.backend.BatchNorm2d;
import dev.jdnn.engine.backend.BatchNormSpec;
import dev.jdnn.engine.backend.TensorFormat;
import dev.jdnn.engine.tensor.Tensor;

/**
 * A batch norm in evaluation mode that an inference graph could not fold into a convolution (DenseNet's, after a
 * concatenation), not run yet so that a ReLU after it joins in: one pass over memory instead of two (oneDNN's
 * {@code fuse_norm_relu}). The pending batch norm it came from stays as it was for any other reader.
 */
record PendingBatchNorm(Variable x, Variable weight, Variable bias, Tensor runningMean, Tensor runningVar,
                        double epsilon, boolean relu) implements Pending {

    PendingBatchNorm withRelu() {
        return new PendingBatchNorm(x, weight, bias, runningMean, runningVar, epsilon, true);
    }

    @Override
    public void run(Graph graph, Tensor output, TensorFormat outputFormat) {
        Tensor in = x.valueIn(outputFormat);
        Tensor gamma = weight.value();
        Tensor beta = bias.value();
        BatchNorm2d op = graph.backend().batchNorm2d(new BatchNormSpec(x.shape(), epsilon, outputFormat, relu));
        graph.compute(() -> op.forwardInference(in, runningMean, runningVar, gamma, beta, output));
    }
}
