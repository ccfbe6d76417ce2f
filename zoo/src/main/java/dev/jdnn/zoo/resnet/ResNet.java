package dev.jdnn.zoo.resnet;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.nn.AdaptiveAvgPool2d;
import dev.jdnn.engine.nn.BatchNorm2d;
import dev.jdnn.engine.nn.Conv2d;
import dev.jdnn.engine.nn.Linear;
import dev.jdnn.engine.nn.MaxPool2d;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.nn.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * torchvision's {@code ResNet(block, layers, groups, width_per_group)} (He et al. 2015; ResNeXt and Wide ResNet by
 * its groups and width): {@code conv1} 7×7/2 → {@code bn1} → ReLU → {@code maxpool} 3×3/2 → {@code layer1..4} of
 * 64, 128, 256, 512 planes (strides 1, 2, 2, 2) → {@code avgpool} to 1×1 → {@code fc}. The first block of a stage
 * projects its shortcut ({@code downsample.0} 1×1 conv, {@code downsample.1} BN) when the stride or the width changes.
 * As torchvision by default, the last BN of each block starts at γ = 1 (no zero-init of the residual).
 */
public final class ResNet extends Module {

    /** The block of a ResNet and how it is built. */
    public enum Block {
        BASIC(BasicBlock.EXPANSION),
        BOTTLENECK(Bottleneck.EXPANSION);

        private final int expansion;

        Block(int expansion) {
            this.expansion = expansion;
        }

        public int expansion() {
            return expansion;
        }

        Module create(int inplanes, int planes, int stride, Module downsample, int groups, int baseWidth) {
            if (this == BASIC) {
                if (groups != 1 || baseWidth != 64) {
                    throw new IllegalArgumentException("BasicBlock only supports groups=1 and base_width=64");
                }
                return new BasicBlock(inplanes, planes, stride, downsample);
            }
            return new Bottleneck(inplanes, planes, stride, downsample, groups, baseWidth);
        }
    }

    /** {@code ResNet(block, layers, groups=..., width_per_group=...)}. */
    public record Config(Block block, List<Integer> layers, int groups, int widthPerGroup) {
        public Config {
            if (layers.size() != 4 || groups <= 0 || widthPerGroup <= 0) {
                throw new IllegalArgumentException("ResNet: four stages, positive groups and width, got " + layers
                        + ", " + groups + ", " + widthPerGroup);
            }
            layers = List.copyOf(layers);
        }

        Config(Block block, List<Integer> layers) {
            this(block, layers, 1, 64);
        }
    }

    public static final Config RESNET18 = new Config(Block.BASIC, List.of(2, 2, 2, 2));
    public static final Config RESNET34 = new Config(Block.BASIC, List.of(3, 4, 6, 3));
    public static final Config RESNET50 = new Config(Block.BOTTLENECK, List.of(3, 4, 6, 3));
    public static final Config RESNET101 = new Config(Block.BOTTLENECK, List.of(3, 4, 23, 3));
    public static final Config RESNET152 = new Config(Block.BOTTLENECK, List.of(3, 8, 36, 3));
    public static final Config RESNEXT50_32X4D = new Config(Block.BOTTLENECK, List.of(3, 4, 6, 3), 32, 4);
    public static final Config WIDE_RESNET50_2 = new Config(Block.BOTTLENECK, List.of(3, 4, 6, 3), 1, 64 * 2);

    private static final int[] PLANES = {64, 128, 256, 512};

    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final MaxPool2d maxpool;
    private final List<Sequential> layers = new ArrayList<>();
    private final AdaptiveAvgPool2d avgpool;
    private final Linear fc;

    public ResNet(Config config, int numClasses) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("ResNet: num_classes must be positive, got " + numClasses);
        }
        int inplanes = 64;
        this.conv1 = child("conv1", new Conv2d(3, inplanes, 7, 2, 3, 1, false));
        this.bn1 = child("bn1", new BatchNorm2d(inplanes));
        this.maxpool = child("maxpool", new MaxPool2d(3, 2, 1, false));
        for (int stage = 0; stage < PLANES.length; stage++) {
            int planes = PLANES[stage];
            int stride = stage == 0 ? 1 : 2;
            int outplanes = planes * config.block().expansion();
            List<Module> blocks = new ArrayList<>();
            for (int i = 0; i < config.layers().get(stage); i++) {
                int blockStride = i == 0 ? stride : 1;
                Module downsample = blockStride != 1 || inplanes != outplanes
                        ? new Sequential(conv1x1(inplanes, outplanes, blockStride), new BatchNorm2d(outplanes))
                        : null;
                blocks.add(config.block().create(inplanes, planes, blockStride, downsample, config.groups(),
                        config.widthPerGroup()));
                inplanes = outplanes;
            }
            layers.add(child("layer" + (stage + 1), new Sequential(blocks)));
        }
        this.avgpool = child("avgpool", new AdaptiveAvgPool2d(1, 1));
        this.fc = child("fc", new Linear(inplanes, numClasses));
    }

    /** 3×3 convolution with padding 1, no bias (torchvision's {@code conv3x3}). */
    static Conv2d conv3x3(int inPlanes, int outPlanes, int stride, int groups) {
        return new Conv2d(inPlanes, outPlanes, 3, stride, 1, groups, false);
    }

    /** 1×1 convolution, no bias (torchvision's {@code conv1x1}). */
    static Conv2d conv1x1(int inPlanes, int outPlanes, int stride) {
        return new Conv2d(inPlanes, outPlanes, 1, stride, 0, 1, false);
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        Variable y = maxpool.call(graph, Functional.relu(bn1.call(graph, conv1.call(graph, x))));
        for (Sequential layer : layers) {
            y = layer.call(graph, y);
        }
        return fc.call(graph, Functional.flatten(avgpool.call(graph, y), 1));
    }
}
