package dev.jdnn.zoo.cifar;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.nn.AdaptiveAvgPool2d;
import dev.jdnn.engine.nn.BatchNorm2d;
import dev.jdnn.engine.nn.Conv2d;
import dev.jdnn.engine.nn.Linear;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.nn.Sequential;
import dev.jdnn.zoo.resnet.BasicBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * The CIFAR-10 networks of He et al. 2015, §4.2: 6n + 2 weighted layers on 32×32 inputs: {@code conv1} 3×3 of 16
 * filters → {@code bn1} → ReLU, three stages {@code layer1..3} of n basic blocks with 16, 32, 64 filters (the first
 * block of stages 2 and 3 subsamples by a stride of 2), global average pooling and {@code fc}. The residual nets use
 * option A shortcuts ({@link ZeroPadShortcut}: no parameters); the plain nets are the same stacks without shortcuts.
 * Names follow torchvision's ResNet.
 */
public final class CifarResNet extends Module {

    /** n blocks per stage (depth 6n + 2), with or without shortcuts. */
    public record Config(int n, boolean residual) {
        public Config {
            if (n <= 0) {
                throw new IllegalArgumentException("CifarResNet: n must be positive, got " + n);
            }
        }

        public int depth() {
            return 6 * n + 2;
        }
    }

    private static final int[] PLANES = {16, 32, 64};

    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final List<Sequential> layers = new ArrayList<>();
    private final AdaptiveAvgPool2d avgpool;
    private final Linear fc;

    public CifarResNet(Config config, int numClasses) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("CifarResNet: num_classes must be positive, got " + numClasses);
        }
        int inplanes = PLANES[0];
        this.conv1 = child("conv1", new Conv2d(3, inplanes, 3, 1, 1, 1, false));
        this.bn1 = child("bn1", new BatchNorm2d(inplanes));
        for (int stage = 0; stage < PLANES.length; stage++) {
            int planes = PLANES[stage];
            List<Module> blocks = new ArrayList<>();
            for (int i = 0; i < config.n(); i++) {
                int stride = i == 0 && stage > 0 ? 2 : 1;
                Module shortcut = stride != 1 || inplanes != planes ? new ZeroPadShortcut(inplanes, planes, stride) : null;
                blocks.add(config.residual() ? new BasicBlock(inplanes, planes, stride, shortcut)
                        : BasicBlock.plain(inplanes, planes, stride));
                inplanes = planes;
            }
            layers.add(child("layer" + (stage + 1), new Sequential(blocks)));
        }
        this.avgpool = child("avgpool", new AdaptiveAvgPool2d(1, 1));
        this.fc = child("fc", new Linear(inplanes, numClasses));
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        Variable y = Functional.relu(bn1.call(graph, conv1.call(graph, x)));
        for (Sequential layer : layers) {
            y = layer.call(graph, y);
        }
        return fc.call(graph, Functional.flatten(avgpool.call(graph, y), 1));
    }
}
