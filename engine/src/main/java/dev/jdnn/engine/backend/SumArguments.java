package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;
import java.util.List;

/** The argument checks every backend's sum runs before touching memory. */
public final class SumArguments {

    private SumArguments() {
    }

    /**
     * Count, open-ness, dtype and shape of the inputs and the output; the output is the first input's memory exactly
     * (in place) or overlaps no input. oneDNN's sum runs in place only on its first source, so both backends allow
     * exactly that.
     */
    public static void check(SumSpec spec, List<Tensor> inputs, Tensor output) {
        int count = spec.inputCount();
        TensorChecks.checkList(inputs, "sum: inputs", count);
        for (int i = 0; i < count; i++) {
            TensorChecks.check(inputs.get(i), "sum: input " + i, DType.F32, spec.shape());
        }
        TensorChecks.check(output, "sum: output", DType.F32, spec.shape());
        boolean inPlace = TensorChecks.sameMemory(output, inputs.get(0));
        for (int i = inPlace ? 1 : 0; i < count; i++) {
            // In place, a later input may not be input 0 again: oneDNN writes s0·x0 into the output before it reads
            // the later inputs of a block.
            TensorChecks.requireDisjoint(output, inPlace ? "sum: output (in place on input 0)" : "sum: output",
                    inputs.get(i), "sum: input " + i);
        }
    }
}
