package dev.jdnn.engine.nn;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.kernel.Window2d;
import java.util.SplittableRandom;

/** {@code torch.nn.Conv2d}: parameters {@code weight (OC, C/groups, KH, KW)} and {@code bias (OC)}. */
public final class Conv2d extends Module {

    private final int inChannels;
    private final int outChannels;
    private final Window2d window;
    private final int groups;
    private final Parameter weight;
    private final Parameter bias; // null without bias

    /** Square kernel, stride, padding; no dilation. */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int groups,
                  boolean bias) {
        this(inChannels, outChannels, Window2d.square(kernelSize, stride, padding), groups, bias);
    }

    /** Square kernel, stride and padding, one group, with bias (PyTorch's defaults). */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, kernelSize, stride, padding, 1, true);
    }

    /** Any window (rectangular kernels, dilation); ceil mode is refused. */
    public Conv2d(int inChannels, int outChannels, Window2d window, int groups, boolean bias) {
        if (inChannels <= 0 || outChannels <= 0 || groups <= 0 || inChannels % groups != 0
                || outChannels % groups != 0) {
            throw new IllegalArgumentException("Conv2d: in_channels (" + inChannels + ") and out_channels ("
                    + outChannels + ") must be positive multiples of groups (" + groups + ")");
        }
        if (window.ceilMode()) {
            throw new IllegalArgumentException("Conv2d: a convolution window has no ceil mode");
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.window = window;
        this.groups = groups;
        this.weight = parameter("weight", outChannels, inChannels / groups, window.kernelH(), window.kernelW());
        this.bias = bias ? parameter("bias", outChannels) : null;
    }

    @Override
    protected void resetParameters(SplittableRandom random) {
        double bound = Initializers.defaultBound((long) inChannels / groups * window.kernelH() * window.kernelW());
        Initializers.uniform(weight.value(), bound, random);
        if (bias != null) {
            Initializers.uniform(bias.value(), bound, random);
        }
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        return Functional.conv2d(x, graph.parameter(weight), bias == null ? null : graph.parameter(bias), window,
                groups);
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    public Window2d window() {
        return window;
    }

    public int groups() {
        return groups;
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or {@code null}. */
    public Parameter bias() {
        return bias;
    }
}
