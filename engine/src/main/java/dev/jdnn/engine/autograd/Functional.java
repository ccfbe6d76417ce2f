package dev.jdnn.engine.autograd;

import dev.jdnn.engine.backend.PoolingMode;
import dev.jdnn.engine.kernel.Activation;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.tensor.Tensor;
import java.util.List;

/**
 * The differentiable ops, as {@code torch.nn.functional}: each computes on its inputs' graph (on the graph's backend,
 * or shapes only), records itself for backward when the graph records, and reports itself to a shape-only graph's
 * trace. Modules ({@code dev.jdnn.engine.nn}) are thin layers over these.
 */
public final class Functional {

    private Functional() {
    }

    /** 2-D convolution; {@code bias} may be {@code null}. Weight {@code (OC, C/groups, KH, KW)}. */
    public static Variable conv2d(Variable x, Variable weight, Variable bias, Window2d window, int groups) {
        return Conv2dNode.apply(x, weight, bias, window, groups);
    }

    /** {@code y = x·Wᵀ + b} on {@code (N, in)}; {@code bias} may be {@code null}. */
    public static Variable linear(Variable x, Variable weight, Variable bias) {
        return LinearNode.apply(x, weight, bias);
    }

    /** An element-wise activation. */
    public static Variable activation(Variable x, Activation function) {
        return ActivationNode.apply(x, function);
    }

    public static Variable relu(Variable x) {
        return activation(x, Activation.RELU);
    }

    /** Max pooling over {@code window} (ceil mode and dilation as the window says). */
    public static Variable maxPool2d(Variable x, Window2d window) {
        return Pool2dNode.apply(x, PoolingMode.MAX, window);
    }

    /** Average pooling; {@code countIncludePad} as PyTorch's {@code AvgPool2d}. */
    public static Variable avgPool2d(Variable x, Window2d window, boolean countIncludePad) {
        return Pool2dNode.apply(x, countIncludePad ? PoolingMode.AVG_INCLUDE_PAD : PoolingMode.AVG_EXCLUDE_PAD,
                window);
    }

    /**
     * Batch normalization over {@code (N, H, W)} per channel: batch statistics and running-average updates in
     * training mode ({@link Autograd#isTraining()}), the running statistics otherwise.
     */
    public static Variable batchNorm2d(Variable x, Variable weight, Variable bias, Tensor runningMean,
                                       Tensor runningVar, double momentum, double epsilon) {
        return BatchNormNode.apply(x, weight, bias, runningMean, runningVar, momentum, epsilon);
    }

    /** Local response normalization across {@code size} channels (PyTorch's formula: α divided by size). */
    public static Variable localResponseNorm(Variable x, int size, float alpha, float beta, float k) {
        return LrnNode.apply(x, size, alpha, beta, k);
    }

    /** {@code torch.flatten(x, startDim)}, a view. */
    public static Variable flatten(Variable x, int startDim) {
        return FlattenNode.apply(x, startDim);
    }

    /** Concatenation along {@code axis} (1: channels). */
    public static Variable concat(List<Variable> inputs, int axis) {
        return ConcatNode.apply(inputs, axis);
    }

    /** {@code a + b}, same shapes. */
    public static Variable add(Variable a, Variable b) {
        return AddNode.apply(a, b);
    }

    /** {@code adaptive_avg_pool2d(x, (outputHeight, outputWidth))}. */
    public static Variable adaptiveAvgPool2d(Variable x, int outputHeight, int outputWidth) {
        return AdaptiveAvgPoolNode.apply(x, outputHeight, outputWidth);
    }

    /** {@code x · s} with {@code s (N, C, 1, 1)} broadcast over each plane (squeeze-and-excitation). */
    public static Variable channelScale(Variable x, Variable s) {
        return ChannelScaleNode.apply(x, s);
    }

    /** ShuffleNet's channel shuffle with {@code groups} groups. */
    public static Variable channelShuffle(Variable x, int groups) {
        return ChannelShuffleNode.apply(x, groups);
    }

    /** Dropout with probability {@code p} in training mode; the identity in evaluation mode. */
    public static Variable dropout(Variable x, double p) {
        return DropoutNode.apply(x, p);
    }

    /** {@code hardtanh(x, min, max)}: clamps to {@code [min, max]}; ReLU6 is {@code (0, 6)}. */
    public static Variable hardtanh(Variable x, float min, float max) {
        return ClampNode.apply(x, min, max);
    }

    /** Stochastic depth ("row" mode): each sample's whole tensor dropped with probability p in training mode. */
    public static Variable stochasticDepth(Variable x, double p) {
        return StochasticDepthNode.apply(x, p);
    }

    /** Channels {@code [from, from + count)} of {@code (N, C, H, W)} (a copy), as {@code x.narrow(1, from, count)}. */
    public static Variable narrowChannels(Variable x, int from, int count) {
        return ChannelSliceNode.apply(x, from, count);
    }

    /** Mean softmax cross-entropy of {@code logits (N, K)} against class indices, with label smoothing ε. */
    public static Variable crossEntropy(Variable logits, int[] labels, double labelSmoothing) {
        return CrossEntropyNode.apply(logits, labels, labelSmoothing);
    }

    /** {@code Σ weights[i]·losses[i]} of single-element losses (auxiliary classifiers). */
    public static Variable weightedSum(List<Variable> losses, double... weights) {
        return WeightedSumNode.apply(losses, weights);
    }
}
