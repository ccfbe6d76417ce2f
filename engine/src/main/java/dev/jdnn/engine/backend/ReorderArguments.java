package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;

/** The argument checks every backend's reorder runs before touching memory. */
public final class ReorderArguments {

    private ReorderArguments() {
    }

    /** Open-ness, dtype and physical shape of both tensors; they must not overlap. */
    public static void check(ReorderSpec spec, Tensor input, Tensor output) {
        LayoutChecks.require(input, spec.sourceType(), spec.sourceFormat(), spec.shape(), "reorder: input");
        LayoutChecks.require(output, spec.destinationType(), spec.destinationFormat(), spec.shape(),
                "reorder: output");
        TensorChecks.requireDisjoint(output, "reorder: output", input, "reorder: input");
    }
}
