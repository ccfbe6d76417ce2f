package dev.jdnn.engine.autograd;

import dev.jdnn.engine.tensor.Tensor;
import java.util.List;

/**
 * One recorded op on a {@link Graph}'s tape: its inputs, its output, and what it saved for backward. Backward gets
 * the gradient of the output and adds each input's contribution with {@link Variable#accumulateGrad}; then the graph
 * calls {@link #release()} so what the op saved is freed as soon as it has been used.
 */
abstract class Node {

    final List<Variable> inputs;
    final Variable output;

    Node(List<Variable> inputs, Variable output) {
        this.inputs = inputs;
        this.output = output;
    }

    /** Adds d(loss)/d(input) for every input that requires a gradient, given d(loss)/d(output). */
    abstract void backward(Tensor gradOutput);

    /**
     * For backward ops that write the weight and bias gradients together ({@code backwardWeights}): computes both into
     * temporaries and adds them to the weight's and the bias's gradients ({@code bias} may be {@code null}); nothing
     * when neither needs one.
     */
    static void accumulateWeightGradients(Variable weight, Variable bias,
                                          java.util.function.BiConsumer<Tensor, Tensor> backwardWeights) {
        if (!weight.requiresGrad() && (bias == null || !bias.requiresGrad())) {
            return;
        }
        Graph graph = weight.graph();
        Tensor gradWeight = graph.allocate(weight.shape());
        Tensor gradBias = bias == null ? null : graph.allocate(bias.shape());
        backwardWeights.accept(gradWeight, gradBias);
        weight.accumulateGrad(target -> target.copyFrom(gradWeight));
        if (bias != null) {
            bias.accumulateGrad(target -> target.copyFrom(gradBias));
        }
        graph.free(gradWeight);
        graph.free(gradBias);
    }

    /** Frees what this op saved for backward (workspaces, masks, statistics). */
    void release() {
    }

    /** The op's name in messages and traces ({@code conv2d}, {@code relu}). */
    abstract String name();
}
