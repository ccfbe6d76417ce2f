package dev.jdnn.zoo.resnet;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.nn.BatchNorm2d;
import dev.jdnn.engine.nn.Conv2d;
import dev.jdnn.engine.nn.Module;

/**
 * torchvision's {@code BasicBlock} (expansion 1): {@code conv1} 3×3 (stride) → {@code bn1} → ReLU → {@code conv2} 3×3
 * → {@code bn2}, plus the shortcut ({@code x}, or {@code downsample(x)} when given), then ReLU. Without the shortcut
 * ({@link #plain}) it is the block of He et al.'s plain baselines.
 */
public final class BasicBlock extends Module {

    public static final int EXPANSION = 1;

    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Conv2d conv2;
    private final BatchNorm2d bn2;
    private final Module downsample; // null: identity shortcut
    private final boolean residual;

    /** A residual block; {@code downsample} is {@code null} for the identity shortcut. */
    public BasicBlock(int inplanes, int planes, int stride, Module downsample) {
        this(inplanes, planes, stride, downsample, true);
    }

    private BasicBlock(int inplanes, int planes, int stride, Module downsample, boolean residual) {
        this.conv1 = child("conv1", ResNet.conv3x3(inplanes, planes, stride, 1));
        this.bn1 = child("bn1", new BatchNorm2d(planes));
        this.conv2 = child("conv2", ResNet.conv3x3(planes, planes, 1, 1));
        this.bn2 = child("bn2", new BatchNorm2d(planes));
        this.downsample = downsample == null ? null : child("downsample", downsample);
        this.residual = residual;
    }

    /** The same two convolutions without a shortcut. */
    public static BasicBlock plain(int inplanes, int planes, int stride) {
        return new BasicBlock(inplanes, planes, stride, null, false);
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        Variable out = Functional.relu(bn1.call(graph, conv1.call(graph, x)));
        out = bn2.call(graph, conv2.call(graph, out));
        if (residual) {
            out = Functional.add(out, downsample == null ? x : downsample.call(graph, x));
        }
        return Functional.relu(out);
    }
}
