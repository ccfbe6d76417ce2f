package dev.jdnn.zoo.resnet;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.nn.BatchNorm2d;
import dev.jdnn.engine.nn.Conv2d;
import dev.jdnn.engine.nn.Module;

/**
 * torchvision's {@code Bottleneck} (expansion 4, "ResNet v1.5"): {@code conv1} 1×1 to {@code width} → {@code bn1} →
 * ReLU → {@code conv2} 3×3 with the stride and the groups → {@code bn2} → ReLU → {@code conv3} 1×1 to
 * {@code 4·planes} → {@code bn3}, plus the shortcut, then ReLU; {@code width = planes·baseWidth/64·groups}.
 */
public final class Bottleneck extends Module {

    public static final int EXPANSION = 4;

    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Conv2d conv2;
    private final BatchNorm2d bn2;
    private final Conv2d conv3;
    private final BatchNorm2d bn3;
    private final Module downsample; // null: identity shortcut

    public Bottleneck(int inplanes, int planes, int stride, Module downsample, int groups, int baseWidth) {
        int width = (int) (planes * (baseWidth / 64.0)) * groups;
        this.conv1 = child("conv1", ResNet.conv1x1(inplanes, width, 1));
        this.bn1 = child("bn1", new BatchNorm2d(width));
        this.conv2 = child("conv2", ResNet.conv3x3(width, width, stride, groups));
        this.bn2 = child("bn2", new BatchNorm2d(width));
        this.conv3 = child("conv3", ResNet.conv1x1(width, planes * EXPANSION, 1));
        this.bn3 = child("bn3", new BatchNorm2d(planes * EXPANSION));
        this.downsample = downsample == null ? null : child("downsample", downsample);
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        Variable out = Functional.relu(bn1.call(graph, conv1.call(graph, x)));
        out = Functional.relu(bn2.call(graph, conv2.call(graph, out)));
        out = bn3.call(graph, conv3.call(graph, out));
        return Functional.relu(Functional.add(out, downsample == null ? x : downsample.call(graph, x)));
    }
}
