package dev.jdnn.engine.nn;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * {@code torch.nn.BatchNorm2d} (affine, tracking running statistics): parameters {@code weight} (1) and {@code bias}
 * (0), buffers {@code running_mean} (0), {@code running_var} (1) and {@code num_batches_tracked} (0; a 0-d f32 tensor
 * here, exact to 2²⁴ batches, written to safetensors as PyTorch's int64).
 */
public final class BatchNorm2d extends Module {

    private final double epsilon;
    private final double momentum;
    private final Parameter weight;
    private final Parameter bias;
    private final Tensor runningMean; // (C), null when shape-only
    private final Tensor runningVar;  // (C), null when shape-only
    private final Tensor numBatchesTracked; // (), null when shape-only

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
        this.numBatchesTracked = buffer("num_batches_tracked", 0f);
    }

    @Override
    protected void resetParameters(SplittableRandom random) {
        weight.value().fill(1f);
        bias.value().fill(0f);
        runningMean.fill(0f);
        runningVar.fill(1f);
        numBatchesTracked.fill(0f);
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        if (dev.jdnn.engine.autograd.Autograd.isTraining() && !graph.isShapeOnly()) {
            numBatchesTracked.fill(numBatchesTracked.toFloatArray()[0] + 1);
        }
        return Functional.batchNorm2d(x, graph.parameter(weight), graph.parameter(bias), runningMean, runningVar,
                momentum, epsilon);
    }

    /** Training batches seen ({@code num_batches_tracked}). */
    public long numBatchesTracked() {
        return (long) numBatchesTracked.toFloatArray()[0];
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
