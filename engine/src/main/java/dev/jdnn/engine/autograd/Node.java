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

    /** Frees what this op saved for backward (workspaces, masks, statistics). */
    void release() {
    }

    /** The op's name in messages and traces ({@code conv2d}, {@code relu}). */
    abstract String name();
}
