package dev.jdnn.zoo.googlenet;

import dev.jdnn.engine.autograd.Autograd;
import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.nn.AdaptiveAvgPool2d;
import dev.jdnn.engine.nn.AvgPool2d;
import dev.jdnn.engine.nn.Dropout;
import dev.jdnn.engine.nn.Linear;
import dev.jdnn.engine.nn.LocalResponseNorm;
import dev.jdnn.engine.nn.MaxPool2d;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.train.HasTrainingLoss;
import dev.jdnn.engine.train.Loss;
import dev.jdnn.zoo.googlenet.Inception.Widths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * GoogLeNet / Inception v1 (Szegedy et al. 2014): a stem, nine inception modules in three stages with ceil-mode max
 * pools between them, global average pooling, dropout and {@code fc}; auxiliary classifiers {@code aux1} (on
 * {@code inception4a}) and {@code aux2} (on {@code inception4d}). Names are torchvision's.
 *
 * <p>{@link #call} returns the main logits only, as torchvision's model in evaluation mode: the auxiliary heads do not
 * run, so they appear in no trace and cost no inference time. Training gets their logits too through
 * {@link #forwardWithAuxiliary} (what {@link AuxiliaryLoss} uses), which runs them in training mode only.
 */
public final class GoogLeNet extends Module implements HasTrainingLoss {

    /**
     * @param batchNorm         torchvision's BN after every conv (eps 0.001, convs without bias) or the paper's plain
     *                          conv with bias
     * @param localResponseNorm the paper's LRN (size 5) after the first max pool and after {@code conv3}
     * @param branch3Kernel     kernel of the "5×5" branch: 5 in the paper, 3 in torchvision's port
     * @param maxPool4Kernel    kernel of {@code maxpool4} (stride 2, ceil mode): 3 in the paper, 2 in torchvision
     * @param fixedAveragePools the paper's fixed average pools (7×7/1 before {@code fc}, 5×5/3 in the auxiliary heads)
     *                          instead of torchvision's adaptive ones (to 1×1 and 4×4)
     * @param dropout           before {@code fc}
     * @param auxDropout        in the auxiliary heads
     */
    public record Config(boolean batchNorm, boolean localResponseNorm, int branch3Kernel, int maxPool4Kernel,
                         boolean fixedAveragePools, double dropout, double auxDropout) {
    }

    /** torchvision's {@code googlenet}. */
    public static final Config TORCHVISION = new Config(true, false, 3, 2, false, 0.2, 0.7);
    /** The network of the paper (its Table 1 and Figure 3). */
    public static final Config PAPER = new Config(false, true, 5, 3, true, 0.4, 0.7);

    /** The paper's Table 1, one list per stage (3a-3b, 4a-4e, 5a-5b); a max pool follows every stage but the last. */
    static final List<List<Widths>> STAGES = List.of(
            List.of(new Widths(64, 96, 128, 16, 32, 32), new Widths(128, 128, 192, 32, 96, 64)),
            List.of(new Widths(192, 96, 208, 16, 48, 64), new Widths(160, 112, 224, 24, 64, 64),
                    new Widths(128, 128, 256, 24, 64, 64), new Widths(112, 144, 288, 32, 64, 64),
                    new Widths(256, 160, 320, 32, 128, 128)),
            List.of(new Widths(256, 160, 320, 32, 128, 128), new Widths(384, 192, 384, 48, 128, 128)));
    /** The modules whose outputs the auxiliary heads {@code aux1}, {@code aux2} read. */
    static final List<String> AUX_TAPS = List.of("inception4a", "inception4d");

    private static final ScopedValue<List<Variable>> AUX_OUTPUTS = ScopedValue.newInstance();

    /**
     * The logits of a training forward.
     *
     * @param aux1 {@code aux1}'s logits, or {@code null} when the pass ran in evaluation mode or without the heads
     * @param aux2 likewise for {@code aux2}
     */
    public record Outputs(Variable logits, Variable aux1, Variable aux2) {
    }

    private final List<Module> trunk = new ArrayList<>(); // conv1 ... inception5b, in forward order
    private final Map<Module, Module> auxAfter = new IdentityHashMap<>(); // tap module → its head
    private final Module avgpool;
    private final Dropout dropout;
    private final Linear fc;

    /** With the auxiliary heads (torchvision's {@code aux_logits=True}). */
    public GoogLeNet(Config config, int numClasses) {
        this(config, numClasses, true);
    }

    public GoogLeNet(Config config, int numClasses, boolean auxLogits) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("GoogLeNet: num_classes must be positive, got " + numClasses);
        }
        boolean bn = config.batchNorm();
        trunk("conv1", new BasicConv2d(3, 64, 7, 2, 3, bn));
        trunk("maxpool1", new MaxPool2d(3, 2, 0, true));
        if (config.localResponseNorm()) {
            trunk("lrn1", new LocalResponseNorm(5));
        }
        trunk("conv2", new BasicConv2d(64, 64, 1, bn));
        trunk("conv3", new BasicConv2d(64, 192, 3, bn));
        if (config.localResponseNorm()) {
            trunk("lrn2", new LocalResponseNorm(5));
        }
        trunk("maxpool2", new MaxPool2d(3, 2, 0, true));
        int channels = 192;
        Map<String, Integer> tapChannels = new HashMap<>();
        for (int s = 0; s < STAGES.size(); s++) {
            int stage = s + 3;
            List<Widths> modules = STAGES.get(s);
            for (int m = 0; m < modules.size(); m++) {
                String name = "inception" + stage + (char) ('a' + m);
                trunk(name, new Inception(channels, modules.get(m), config.branch3Kernel(), bn));
                channels = modules.get(m).outChannels();
                tapChannels.put(name, channels);
            }
            if (s < STAGES.size() - 1) {
                int kernel = stage == 4 ? config.maxPool4Kernel() : 3;
                trunk("maxpool" + stage, new MaxPool2d(kernel, 2, 0, true));
            }
        }
        if (auxLogits) {
            for (int i = 0; i < AUX_TAPS.size(); i++) {
                String tap = AUX_TAPS.get(i);
                auxAfter.put(children().get(tap), child("aux" + (i + 1), new InceptionAux(tapChannels.get(tap),
                        numClasses, bn, config.fixedAveragePools(), config.auxDropout())));
            }
        }
        this.avgpool = child("avgpool", config.fixedAveragePools() ? new AvgPool2d(7, 1) : new AdaptiveAvgPool2d(1, 1));
        this.dropout = child("dropout", new Dropout(config.dropout()));
        this.fc = child("fc", new Linear(channels, numClasses));
    }

    private void trunk(String name, Module module) {
        trunk.add(child(name, module));
    }

    /**
     * The main logits and, in training mode ({@link Autograd#isTraining()}) on a model with auxiliary heads, theirs:
     * torchvision's {@code GoogLeNetOutputs}.
     */
    public Outputs forwardWithAuxiliary(Graph graph, Variable x) {
        List<Variable> aux = new ArrayList<>();
        Variable logits = ScopedValue.where(AUX_OUTPUTS, aux).call(() -> call(graph, x));
        return aux.isEmpty() ? new Outputs(logits, null, null) : new Outputs(logits, aux.get(0), aux.get(1));
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        List<Variable> aux = AUX_OUTPUTS.isBound() && Autograd.isTraining() ? AUX_OUTPUTS.get() : null;
        Variable y = x;
        for (Module module : trunk) {
            y = module.call(graph, y);
            Module head = auxAfter.get(module);
            if (head != null && aux != null) {
                aux.add(head.call(graph, y));
            }
        }
        y = Functional.flatten(avgpool.call(graph, y), 1);
        return fc.call(graph, dropout.call(graph, y));
    }

    /** Training loss: main + 0.3 × each auxiliary head's cross-entropy, as in the paper and torchvision's recipe. */
    @Override
    public Loss trainingLoss(double labelSmoothing) {
        return new AuxiliaryLoss(0.3, labelSmoothing);
    }
}
