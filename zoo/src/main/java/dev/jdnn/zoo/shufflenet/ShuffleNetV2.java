package dev.jdnn.zoo.shufflenet;


import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.nn.BatchNorm2d;
import dev.jdnn.engine.nn.Conv2d;
import dev.jdnn.engine.nn.Linear;
import dev.jdnn.engine.nn.MaxPool2d;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.nn.ReLU;
import dev.jdnn.engine.nn.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * ShuffleNet V2 (Ma et al. 2018) as torchvision's {@code ShuffleNetV2}: {@code conv1} (3×3 stride 2) and a 3×3 stride-2
 * max pool, {@code stage2…4} of units that split the channels in two (or, downsampling, feed both branches the whole
 * input), concatenate the branches and shuffle the channels in 2 groups, {@code conv5} (1×1), global mean and
 * {@code fc}.
 */
public final class ShuffleNetV2 extends Module {

    /** @param stageRepeats units of stages 2, 3, 4; @param stageOutChannels conv1, stages 2–4, conv5 */
    public record Config(List<Integer> stageRepeats, List<Integer> stageOutChannels) {
    }

    public static final Config X0_5 = new Config(List.of(4, 8, 4), List.of(24, 48, 96, 192, 1024));
    public static final Config X1_0 = new Config(List.of(4, 8, 4), List.of(24, 116, 232, 464, 1024));
    public static final Config X1_5 = new Config(List.of(4, 8, 4), List.of(24, 176, 352, 704, 1024));
    public static final Config X2_0 = new Config(List.of(4, 8, 4), List.of(24, 244, 488, 976, 2048));

    /** torchvision's {@code InvertedResidual} of ShuffleNet V2. */
    static final class InvertedResidual extends Module {

        private final int stride;
        private final Sequential branch1; // downsampling units only
        private final Sequential branch2;

        InvertedResidual(int in, int out, int stride) {
            int branch = out / 2;
            if (stride == 1 && in != 2 * branch) {
                throw new IllegalArgumentException("ShuffleNetV2: a stride-1 unit needs in (" + in
                        + ") = 2 · (out / 2) (" + 2 * branch + ")");
            }
            this.stride = stride;
            // torchvision registers an empty nn.Sequential() as branch1 of stride-1 units: no parameters, no keys.
            this.branch1 = stride > 1 ? child("branch1", new Sequential(
                    depthwise(in, stride), new BatchNorm2d(in),
                    new Conv2d(in, branch, 1, 1, 0, 1, false), new BatchNorm2d(branch), new ReLU())) : null;
            this.branch2 = child("branch2", new Sequential(
                    new Conv2d(stride > 1 ? in : branch, branch, 1, 1, 0, 1, false), new BatchNorm2d(branch),
                    new ReLU(),
                    depthwise(branch, stride), new BatchNorm2d(branch),
                    new Conv2d(branch, branch, 1, 1, 0, 1, false), new BatchNorm2d(branch), new ReLU()));
        }

        private static Conv2d depthwise(int channels, int stride) {
            return new Conv2d(channels, channels, 3, stride, 1, channels, false);
        }

        @Override
        protected Variable forward(Graph graph, Variable x) {
            Variable out;
            if (stride == 1) {
                int half = x.dim(1) / 2;
                Variable x1 = Functional.narrowChannels(x, 0, half);
                Variable x2 = Functional.narrowChannels(x, half, x.dim(1) - half);
                out = Functional.concat(List.of(x1, branch2.call(graph, x2)), 1);
            } else {
                out = Functional.concat(List.of(branch1.call(graph, x), branch2.call(graph, x)), 1);
            }
            return Functional.channelShuffle(out, 2);
        }
    }

    private final Sequential conv1;
    private final MaxPool2d maxpool;
    private final List<Sequential> stages = new ArrayList<>();
    private final Sequential conv5;
    private final Linear fc;

    public ShuffleNetV2(Config config, int numClasses) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("ShuffleNetV2: num_classes must be positive, got " + numClasses);
        }
        if (config.stageRepeats().size() != 3 || config.stageOutChannels().size() != 5) {
            throw new IllegalArgumentException("ShuffleNetV2: expected 3 stage repeats and 5 output channel counts, got "
                    + config);
        }
        List<Integer> channels = config.stageOutChannels();
        int in = channels.getFirst();
        this.conv1 = child("conv1", new Sequential(new Conv2d(3, in, 3, 2, 1, 1, false), new BatchNorm2d(in),
                new ReLU()));
        this.maxpool = child("maxpool", new MaxPool2d(Window2d.square(3, 2, 1)));
        for (int stage = 0; stage < 3; stage++) {
            int out = channels.get(stage + 1);
            List<Module> units = new ArrayList<>();
            units.add(new InvertedResidual(in, out, 2));
            for (int i = 1; i < config.stageRepeats().get(stage); i++) {
                units.add(new InvertedResidual(out, out, 1));
            }
            stages.add(child("stage" + (stage + 2), new Sequential(units)));
            in = out;
        }
        int last = channels.getLast();
        this.conv5 = child("conv5", new Sequential(new Conv2d(in, last, 1, 1, 0, 1, false), new BatchNorm2d(last),
                new ReLU()));
        this.fc = child("fc", new Linear(last, numClasses));
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        Variable y = maxpool.call(graph, conv1.call(graph, x));
        for (Sequential stage : stages) {
            y = stage.call(graph, y);
        }
        y = Functional.adaptiveAvgPool2d(conv5.call(graph, y), 1, 1); // x.mean([2, 3])
        return fc.call(graph, Functional.flatten(y, 1));
    }
}
