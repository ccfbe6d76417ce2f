package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;

/** The argument checks every backend's reorder runs before touching memory. */
public final class ReorderArguments {

    private ReorderArguments() {
    }

    /** Open-ness, dtype and physical shape of both tensors; they must not overlap. */
    public static void check(ReorderSpec spec, Tensor input, Tensor output) {
        TensorChecks.check(input, "reorder: input", spec.sourceType(), spec.inputShape());
        TensorChecks.check(output, "reorder: output", spec.destinationType(), spec.outputShape());
        TensorChecks.requireDisjoint(output, "reorder: output", input, "reorder: input");
    }
}
