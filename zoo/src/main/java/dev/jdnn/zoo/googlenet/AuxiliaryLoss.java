package dev.jdnn.zoo.googlenet;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.train.Loss;
import java.util.List;

/**
 * GoogLeNet's training loss: cross-entropy of the main logits plus {@code auxWeight} (0.3 in the paper) times each
 * auxiliary classifier's, as a {@link Functional#weightedSum}; accuracy is counted on the main logits. In evaluation
 * mode the heads do not run and the loss is the main cross-entropy alone.
 *
 * @param auxWeight      weight of each auxiliary loss
 * @param labelSmoothing ε of every cross-entropy
 */
public record AuxiliaryLoss(double auxWeight, double labelSmoothing) implements Loss {

    /** The paper's weight 0.3, no label smoothing. */
    public static AuxiliaryLoss paper() {
        return new AuxiliaryLoss(0.3, 0);
    }

    public AuxiliaryLoss {
        if (!(auxWeight >= 0) || !(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("auxiliary loss: the weight must be >= 0 and label smoothing in [0, 1],"
                    + " got " + auxWeight + " and " + labelSmoothing);
        }
    }

    @Override
    public Result compute(Graph graph, Module model, Variable images, int[] labels) {
        if (!(model instanceof GoogLeNet googLeNet)) {
            throw new IllegalArgumentException("auxiliary loss: expected a GoogLeNet, got " + model);
        }
        GoogLeNet.Outputs outputs = googLeNet.forwardWithAuxiliary(graph, images);
        Variable main = Functional.crossEntropy(outputs.logits(), labels, labelSmoothing);
        if (outputs.aux1() == null) {
            return new Result(main, outputs.logits());
        }
        Variable total = Functional.weightedSum(List.of(main,
                Functional.crossEntropy(outputs.aux1(), labels, labelSmoothing),
                Functional.crossEntropy(outputs.aux2(), labels, labelSmoothing)), 1, auxWeight, auxWeight);
        return new Result(total, outputs.logits());
    }
}
