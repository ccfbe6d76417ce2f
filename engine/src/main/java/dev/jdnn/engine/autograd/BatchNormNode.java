package dev.jdnn.engine.autograd;

import dev.jdnn.engine.backend.BatchNorm2d;
import dev.jdnn.engine.backend.BatchNormSpec;
import dev.jdnn.engine.tensor.Tensor;
import java.util.List;

/**
 * 2-D batch normalization. In training mode ({@link Autograd#isTraining()}) it normalizes with the batch's statistics
 * and updates the running ones as PyTorch does ({@code running = (1 − momentum)·running + momentum·batch}, the running
 * variance from the unbiased batch variance); in evaluation mode it uses the running statistics.
 */
final class BatchNormNode extends Node {

    private final BatchNorm2d op;
    private Tensor saveMean; // (C)
    private Tensor saveVar;  // (C), biased

    private BatchNormNode(BatchNorm2d op, Variable x, Variable weight, Variable bias, Variable y, Tensor saveMean,
                          Tensor saveVar) {
        super(List.of(x, weight, bias), y);
        this.op = op;
        this.saveMean = saveMean;
        this.saveVar = saveVar;
    }

    /**
     * @param runningMean (C), updated in training mode; {@code null} in a shape-only graph
     * @param runningVar  (C), updated in training mode; {@code null} in a shape-only graph
     */
    static Variable apply(Variable x, Variable weight, Variable bias, Tensor runningMean, Tensor runningVar,
                          double momentum, double epsilon) {
        Graph graph = x.graph();
        BatchNormSpec spec = new BatchNormSpec(x.shape(), epsilon);
        weight.shape().requireEqual(spec.channelShape(), "batch_norm: weight");
        bias.shape().requireEqual(spec.channelShape(), "batch_norm: bias");
        boolean training = Autograd.isTraining();
        boolean grad = training && Graph.anyRequiresGrad(List.of(x, weight, bias));
        Variable y = graph.output(x.shape(), grad);
        graph.traceLayer("batchnorm", y.shape(), 0, weight, bias);
        if (graph.isShapeOnly()) {
            return y;
        }
        PendingConv conv = x.pendingConv();
        if (!training && graph.fusing() && conv != null && conv.acceptsBatchNorm() && weight.parameter() != null
                && bias.parameter() != null) {
            y.defer(conv.withBatchNorm(new PendingConv.BatchNormFold(weight, bias, runningMean, runningVar, epsilon)));
            return y;
        }
        if (!training && graph.fusing()) {
            y.defer(new PendingBatchNorm(x, weight, bias, runningMean, runningVar, epsilon, false));
            return y;
        }
        if (!training) {
            BatchNorm2d op = graph.backend().batchNorm2d(spec);
            Tensor in = x.value();
            Tensor gamma = weight.value();
            Tensor beta = bias.value();
            Tensor out = y.value();
            graph.compute(() -> op.forwardInference(in, runningMean, runningVar, gamma, beta, out));
            return y;
        }
        BatchNorm2d op = graph.backend().batchNorm2d(spec);
        graph.computedOutsideCapture("batch norm (training)");
        Tensor saveMean = graph.allocate(spec.channelShape());
        Tensor saveVar = graph.allocate(spec.channelShape());
        op.forwardTraining(x.value(), weight.value(), bias.value(), y.value(), saveMean, saveVar);
        updateRunning(runningMean, runningVar, saveMean, saveVar, momentum, spec.valuesPerChannel());
        BatchNormNode node = new BatchNormNode(op, x, weight, bias, y, saveMean, saveVar);
        if (grad) {
            graph.record(node);
        } else {
            node.release();
        }
        return y;
    }

    private static void updateRunning(Tensor runningMean, Tensor runningVar, Tensor mean, Tensor var,
                                      double momentum, long count) {
        float[] rm = runningMean.toFloatArray();
        float[] rv = runningVar.toFloatArray();
        float[] m = mean.toFloatArray();
        float[] v = var.toFloatArray();
        double unbias = count > 1 ? (double) count / (count - 1) : 1.0;
        for (int c = 0; c < rm.length; c++) {
            rm[c] = (float) ((1 - momentum) * rm[c] + momentum * m[c]);
            rv[c] = (float) ((1 - momentum) * rv[c] + momentum * v[c] * unbias);
        }
        runningMean.copyFrom(rm);
        runningVar.copyFrom(rv);
    }

    @Override
    void backward(Tensor gradOutput) {
        Variable x = inputs.get(0);
        Variable weight = inputs.get(1);
        Variable bias = inputs.get(2);
        Graph graph = output.graph();
        BatchNormSpec spec = op.spec();
        Tensor gradInput = graph.allocate(x.shape());
        Tensor gradWeight = graph.allocate(spec.channelShape());
        Tensor gradBias = graph.allocate(spec.channelShape());
        op.backward(x.value(), gradOutput, saveMean, saveVar, weight.value(), gradInput, gradWeight, gradBias);
        x.accumulateGrad(target -> target.copyFrom(gradInput));
        weight.accumulateGrad(target -> target.copyFrom(gradWeight));
        bias.accumulateGrad(target -> target.copyFrom(gradBias));
        graph.free(gradInput);
        graph.free(gradWeight);
        graph.free(gradBias);
    }

    @Override
    void release() {
        Graph graph = output.graph();
        graph.free(saveMean);
        graph.free(saveVar);
        saveMean = null;
        saveVar = null;
    }

    @Override
    String name() {
        return "batch_norm";
    }
}
