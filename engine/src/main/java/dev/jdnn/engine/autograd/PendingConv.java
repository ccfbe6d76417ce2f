package dev.jdnn.engine.autograd;

import dev.jdnn.engine.backend.Conv2dSpec;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.backend.PreparedConv2d;
import dev.jdnn.engine.backend.TensorFormat;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.tensor.Tensor;

/**
 * A convolution an inference graph has not run yet, so that what follows it can join in: a batch norm in evaluation
 * mode folds into its weights, an activation (ReLU, ReLU6, SiLU, Hardswish) becomes its post-op, a residual add
 * becomes its sum post-op (the other operand copied into the output first), and a ReLU after that add makes it
 * sum + ReLU. Every fusion makes a new pending
 * convolution; the one it came from stays as it was, so a second reader of an unfused output still gets it. Runs when
 * its value is first read, as a convolution prepared once per backend ({@link FusionCache}).
 */
record PendingConv(Variable x, Variable weight, Variable bias, Window2d window, int groups, BatchNormFold fold,
                   PostOp activation, Variable sum) implements Pending {

    /** The batch norm to fold: its parameters and running statistics. */
    record BatchNormFold(Variable weight, Variable bias, Tensor runningMean, Tensor runningVar, double epsilon) {
    }

    /** Whether a batch norm may still fold in (nothing was fused after the convolution yet). */
    boolean acceptsBatchNorm() {
        return fold == null && activation == PostOp.NONE && sum == null && weight.parameter() != null
                && (bias == null || bias.parameter() != null);
    }

    /** Whether a residual add may still join (no activation and no sum yet). */
    boolean acceptsSum() {
        return activation == PostOp.NONE && sum == null;
    }

    /**
     * Whether {@code postOp} (an activation: RELU, RELU6, SILU, HARDSWISH) may still join: none yet, and after a sum
     * only ReLU (SUM_RELU).
     */
    boolean acceptsActivation(PostOp postOp) {
        return activation == PostOp.NONE && (sum == null || postOp == PostOp.RELU);
    }

    PendingConv withBatchNorm(BatchNormFold batchNorm) {
        return new PendingConv(x, weight, bias, window, groups, batchNorm, PostOp.NONE, null);
    }

    PendingConv withActivation(PostOp postOp) {
        return new PendingConv(x, weight, bias, window, groups, fold, postOp, sum);
    }

    PendingConv withSum(Variable other) {
        return new PendingConv(x, weight, bias, window, groups, fold, PostOp.NONE, other);
    }

    /**
     * Runs the convolution and everything fused into it, into {@code output}, a tensor in {@code outputFormat}; the
     * input is read in the pass's activation layout when that costs no conversion.
     */
    @Override
    public void run(Graph graph, Tensor output, TensorFormat outputFormat) {
        Tensor w;
        Tensor b;
        if (fold == null) {
            w = weight.value();
            b = bias == null ? null : bias.value();
        } else {
            FusionCache.Folded folded = graph.fusion().folded(weight.parameter(),
                    bias == null ? null : bias.parameter(), fold.weight().parameter(), fold.bias().parameter(),
                    fold.runningMean(), fold.runningVar(), fold.epsilon());
            w = folded.weight();
            b = folded.bias();
        }
        PostOp postOp = sum == null ? activation : activation == PostOp.RELU ? PostOp.SUM_RELU : PostOp.SUM;
        TensorFormat inputFormat = x.cheapestFormat(graph.activationFormat());
        Conv2dSpec spec = new Conv2dSpec(x.shape(), weight.dim(0), window, groups, b != null, postOp, inputFormat,
                outputFormat);
        Tensor previous = sum == null ? null : sum.valueIn(outputFormat);
        Tensor input = x.valueIn(inputFormat);
        PreparedConv2d conv = graph.fusion().prepared(graph.backend(), spec, w, b);
        graph.compute(() -> {
            if (previous != null) {
                output.copyFrom(previous);
            }
            conv.run(input, output);
        });
    }
}
