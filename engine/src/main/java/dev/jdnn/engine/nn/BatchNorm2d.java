package dev.jdnn.engine.nn;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * {@code torch.nn.BatchNorm2d} (affine, tracking running statistics): parameters {@code weight} (1) and {@code bias}
 * (0), buffers {@code running_mean} (0) and {@code running_var} (1); {@link #numBatchesTracked()} counts the training
 * batches as PyTorch's {@code num_batches_tracked}.
 */
public final class BatchNorm2d extends Module {

    private final double epsilon;
    private final double momentum;
    private final Parameter weight;
    private final Parameter bias;
    private final Tensor runningMean; // (C), null when shape-only
    private final Tensor runningVar;  // (C), null when shape-only
    private long numBatchesTracked;

    public BatchNorm2d(int numFeatures) {
        this(numFeatures, 1e-5, 0.1);
    }

    public BatchNorm2d(int numFeatures, double epsilon, double momentum) {
        if (numFeatures <= 0) {
            throw new IllegalArgumentException("BatchNorm2d: num_features must be positive, got " + numFeatures);
        }
        if (!(epsilon > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNorm2d: eps must be > 0 and momentum in [0, 1], got " + epsilon
                    + " and " + momentum);
        }
        this.epsilon = epsilon;
        this.momentum = momentum;
        this.weight = parameter("weight", numFeatures);
        this.bias = parameter("bias", numFeatures);
        this.runningMean = buffer("running_mean", 0f, numFeatures);
        this.runningVar = buffer("running_var", 1f, numFeatures);
    }

    @Override
    protected void resetParameters(SplittableRandom random) {
        weight.value().fill(1f);
        bias.value().fill(0f);
        runningMean.fill(0f);
        runningVar.fill(1f);
        numBatchesTracked = 0;
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        if (dev.jdnn.engine.autograd.Autograd.isTraining() && !graph.isShapeOnly()) {
            numBatchesTracked++;
        }
        return Functional.batchNorm2d(x, graph.parameter(weight), graph.parameter(bias), runningMean, runningVar,
                momentum, epsilon);
    }

    public long numBatchesTracked() {
        return numBatchesTracked;
    }

    /** Sets the batch counter (when loading a state dict). */
    public void numBatchesTracked(long count) {
        this.numBatchesTracked = count;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public Tensor runningMean() {
        return runningMean;
    }

    public Tensor runningVar() {
        return runningVar;
    }

    public double epsilon() {
        return epsilon;
    }
}
