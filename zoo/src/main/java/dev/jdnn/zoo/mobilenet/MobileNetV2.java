package dev.jdnn.zoo.mobilenet;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.nn.Conv2d;
import dev.jdnn.engine.nn.Dropout;
import dev.jdnn.engine.nn.Linear;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.nn.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * MobileNetV2 (Sandler et al. 2018) as torchvision's {@code MobileNetV2}: a 3×3 stride-2 convolution, inverted residual
 * blocks from the table of {@code (t, c, n, s)} rows, a 1×1 convolution to 1280 channels (all with ReLU6), global
 * average pooling and {@code classifier} = dropout + linear.
 */
public final class MobileNetV2 extends Module {

    /** A row of the table: expansion factor t, output channels c, repeats n, stride s of the first block. */
    public record Row(int expandRatio, int channels, int repeats, int stride) {
    }

    public record Config(double widthMult, List<Row> rows, int roundNearest, double dropout) {
    }

    /** torchvision's {@code inverted_residual_setting} (the paper's Table 2). */
    public static final List<Row> TABLE_2 = List.of(new Row(1, 16, 1, 1), new Row(6, 24, 2, 2), new Row(6, 32, 3, 2),
            new Row(6, 64, 4, 2), new Row(6, 96, 3, 1), new Row(6, 160, 3, 2), new Row(6, 320, 1, 1));

    public static final Config MOBILENET_V2 = new Config(1.0, TABLE_2, 8, 0.2);

    /** Expansion 1×1 (unless t = 1), depthwise 3×3, linear projection 1×1; a residual when shapes allow. */
    static final class InvertedResidual extends Module {

        private final Sequential conv;
        private final boolean useResConnect;

        InvertedResidual(int in, int out, int stride, int expandRatio) {
            int hidden = (int) Math.round((double) in * expandRatio);
            this.useResConnect = stride == 1 && in == out;
            List<Module> layers = new ArrayList<>();
            if (expandRatio != 1) {
                layers.add(ConvNormActivation.of(in, hidden, 1, 1, 1, NormLayer.DEFAULT, ReLU6::new));
            }
            layers.add(ConvNormActivation.of(hidden, hidden, 3, stride, hidden, NormLayer.DEFAULT, ReLU6::new));
            layers.add(new Conv2d(hidden, out, 1, 1, 0, 1, false));
            layers.add(NormLayer.DEFAULT.create(out));
            this.conv = child("conv", new Sequential(layers));
        }

        @Override
        protected Variable forward(Graph graph, Variable x) {
            Variable y = conv.call(graph, x);
            return useResConnect ? Functional.add(x, y) : y;
        }
    }

    private final Sequential features;
    private final Sequential classifier;

    public MobileNetV2(Config config, int numClasses) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("MobileNetV2: num_classes must be positive, got " + numClasses);
        }
        int input = Channels.makeDivisible(32 * config.widthMult(), config.roundNearest());
        int last = Channels.makeDivisible(1280 * Math.max(1.0, config.widthMult()), config.roundNearest());
        List<Module> layers = new ArrayList<>();
        layers.add(ConvNormActivation.of(3, input, 3, 2, 1, NormLayer.DEFAULT, ReLU6::new));
        for (Row row : config.rows()) {
            int output = Channels.makeDivisible(row.channels() * config.widthMult(), config.roundNearest());
            for (int i = 0; i < row.repeats(); i++) {
                layers.add(new InvertedResidual(input, output, i == 0 ? row.stride() : 1, row.expandRatio()));
                input = output;
            }
        }
        layers.add(ConvNormActivation.of(input, last, 1, 1, 1, NormLayer.DEFAULT, ReLU6::new));
        this.features = child("features", new Sequential(layers));
        this.classifier = child("classifier", new Sequential(new Dropout(config.dropout()), new Linear(last, numClasses)));
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        Variable y = Functional.adaptiveAvgPool2d(features.call(graph, x), 1, 1);
        return classifier.call(graph, Functional.flatten(y, 1));
    }
}
