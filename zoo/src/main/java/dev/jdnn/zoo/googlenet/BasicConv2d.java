package dev.jdnn.zoo.googlenet;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.nn.BatchNorm2d;
import dev.jdnn.engine.nn.Conv2d;
import dev.jdnn.engine.nn.Module;

/**
 * torchvision's {@code BasicConv2d}: {@code conv} without bias, {@code bn} (eps 0.001), ReLU. Without batch norm (the
 * 2014 paper's network) it is {@code conv} with bias and ReLU.
 */
final class BasicConv2d extends Module {

    private final Conv2d conv;
    private final BatchNorm2d bn; // null without batch norm

    BasicConv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, boolean batchNorm) {
        this.conv = child("conv", new Conv2d(inChannels, outChannels, kernelSize, stride, padding, 1, !batchNorm));
        this.bn = batchNorm ? child("bn", new BatchNorm2d(outChannels, 0.001, 0.1)) : null;
    }

    BasicConv2d(int inChannels, int outChannels, int kernelSize, boolean batchNorm) {
        this(inChannels, outChannels, kernelSize, 1, kernelSize / 2, batchNorm);
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        Variable y = conv.call(graph, x);
        return Functional.relu(bn == null ? y : bn.call(graph, y));
    }
}
