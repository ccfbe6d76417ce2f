package dev.jdnn.engine.autograd;

import dev.jdnn.engine.kernel.ChannelScale;
import dev.jdnn.engine.kernel.DropoutRandom;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.List;

/**
 * Stochastic depth in "row" mode, as torchvision's {@code ops.stochastic_depth(x, p, "row", training)}: in training
 * mode each sample of the batch is kept with probability {@code 1 − p} and scaled by {@code 1 / (1 − p)}, else zeroed
 * ({@code p = 1} zeroes all, without division); in evaluation mode, or for {@code p = 0}, it is the identity and returns
 * its input. The per-sample draws come from the graph's seed and the op's index in the pass, exactly as
 * {@link DropoutNode}'s masks ({@link DropoutRandom}, elements = samples), so a step is reproducible. The multiply is
 * {@link ChannelScale}'s with an {@code (N, C)} scale that repeats each sample's factor over its channels.
 *
 */
final class StochasticDepthNode extends Node {

    private final Tensor scale; // (N, C), graph-owned

    private StochasticDepthNode(Variable x, Variable y, Tensor scale) {
        super(List.of(x), y);
        this.scale = scale;
    }

    /** {@code stochastic_depth(x, p, "row", training=Autograd.isTraining())} on {@code x (N, C, H, W)} or {@code (N, C)}. */
    static Variable apply(Variable x, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("drop probability has to be between 0 and 1, but got " + p);
        }
        if (x.shape().rank() != 2 && x.shape().rank() != 4) {
            throw new IllegalArgumentException("stochastic depth: input must be (N, C) or (N, C, H, W), got "
                    + x.shape());
        }
        Graph graph = x.graph();
        if (!Autograd.isTraining() || p == 0) {
            return x;
        }
        Variable y = graph.output(x.shape(), x.requiresGrad());
        graph.traceLayer("stochastic_depth " + p, y.shape(), 0);
        if (graph.isShapeOnly()) {
            return y;
        }
        graph.computedOutsideCapture("stochastic depth (training)");
        int samples = x.dim(0);
        int channels = x.dim(1);
        float[] factors = sampleFactors(p, graph.seed(), graph.nextRandomCall(), samples);
        float[] perPlane = new float[samples * channels];
        for (int n = 0; n < samples; n++) {
            java.util.Arrays.fill(perPlane, n * channels, (n + 1) * channels, factors[n]);
        }
        Tensor scale = graph.allocate(Shape.of(samples, channels));
        scale.copyFrom(perPlane);
        ChannelScale.forward(x.value(), scale, y.value());
        graph.record(new StochasticDepthNode(x, y, scale));
        return y;
    }

    /**
     * Each sample's factor: {@code 1 / (1 − p)} (rounded once to f32) when kept, 0 when dropped; sample {@code n} is
     * kept when the {@link DropoutRandom} draw of element {@code n} for {@code (seed, call)} is.
     */
    static float[] sampleFactors(double p, long seed, long call, int samples) {
        long key = DropoutRandom.callKey(seed, call);
        long threshold = DropoutRandom.threshold(p);
        float kept = p == 1 ? 0f : (float) (1 / (1 - p));
        float[] factors = new float[samples];
        for (int first = 0; first < samples; first += Long.SIZE) {
            int count = Math.min(Long.SIZE, samples - first);
            long bits = DropoutRandom.keepBits(key, threshold, first, count);
            for (int j = 0; j < count; j++) {
                factors[first + j] = (bits >>> j & 1) != 0 ? kept : 0f;
            }
        }
        return factors;
    }

    @Override
    void backward(Tensor gradOutput) {
        Variable x = inputs.get(0);
        x.accumulateGrad(gradInput -> ChannelScale.backward(x.value(), scale, gradOutput, gradInput, null));
    }

    @Override
    void release() {
        output.graph().free(scale);
    }

    @Override
    String name() {
        return "stochastic_depth";
    }
}
