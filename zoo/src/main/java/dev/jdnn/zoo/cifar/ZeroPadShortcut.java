package dev.jdnn.zoo.cifar;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * He et al.'s option A shortcut (§4.2): the identity, subsampled by the stride ({@code x[:, :, ::s, ::s]}, a 1×1 max
 * pooling of stride s), with the extra channels filled with zeros, half before and half after (as the widely used
 * PyTorch CIFAR ResNets pad, so their weights map). No parameters.
 *
 * <p>The engine has no zero-padding op for channels; the zeros are a constant input of the graph, one tensor per
 * shape kept by this module and freed by {@link #close()}.
 */
public final class ZeroPadShortcut extends Module {

    private final Window2d subsample;
    private final int padBefore;
    private final int padAfter;
    private final Map<Shape, Tensor> zeros = new HashMap<>(); // (N, pad, H, W) by shape

    public ZeroPadShortcut(int inChannels, int outChannels, int stride) {
        if (outChannels < inChannels || (outChannels - inChannels) % 2 != 0 || stride <= 0) {
            throw new IllegalArgumentException("ZeroPadShortcut: out_channels (" + outChannels + ") must exceed"
                    + " in_channels (" + inChannels + ") by an even number, stride (" + stride + ") be positive");
        }
        this.subsample = Window2d.square(1, stride, 0);
        this.padBefore = (outChannels - inChannels) / 2;
        this.padAfter = outChannels - inChannels - padBefore;
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        Variable identity = Functional.maxPool2d(x, subsample);
        if (padBefore + padAfter == 0) {
            return identity;
        }
        Shape zeroShape = Shape.of(identity.dim(0), padBefore, identity.dim(2), identity.dim(3));
        Variable zero = graph.isShapeOnly() ? graph.input(zeroShape) : graph.input(zeros(zeroShape));
        return Functional.concat(List.of(zero, identity, zero), 1);
    }

    private synchronized Tensor zeros(Shape shape) {
        return zeros.computeIfAbsent(shape, s -> {
            Tensor tensor = Tensor.allocate(s, DType.F32);
            tensor.fill(0f);
            return tensor;
        });
    }

    @Override
    public synchronized void close() {
        zeros.values().forEach(Tensor::close);
        zeros.clear();
        super.close();
    }
}
