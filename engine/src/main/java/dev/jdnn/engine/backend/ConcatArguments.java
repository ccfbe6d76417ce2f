package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;
import java.lang.foreign.MemorySegment;
import java.util.List;

/** The argument checks every backend's concatenation runs before touching memory. */
public final class ConcatArguments {

    private ConcatArguments() {
    }

    /** Count, open-ness, dtype and shape of the inputs and the output; the output must not overlap an input. */
    public static void checkForward(ConcatSpec spec, List<Tensor> inputs, Tensor output) {
        int count = spec.inputs().size();
        TensorChecks.checkList(inputs, "concat: inputs", count);
        for (int i = 0; i < count; i++) {
            Tensor input = inputs.get(i);
            if (!valid(input, spec.inputs().get(i))) { // messages built only on failure: runs allocate nothing
                TensorChecks.check(input, "concat: input " + i, DType.F32, spec.inputs().get(i));
            }
        }
        TensorChecks.check(output, "concat: output", DType.F32);
        if (!holdsOutput(spec, output.shape())) {
            output.shape().requireEqual(spec.outputShape(), "concat: output");
        }
        MemorySegment written = output.segment("concat: output");
        for (int i = 0; i < count; i++) {
            if (TensorChecks.overlap(written, inputs.get(i).segment("concat: input"))) {
                TensorChecks.requireDisjoint(output, "concat: output", inputs.get(i), "concat: input " + i);
            }
        }
    }

    private static boolean valid(Tensor tensor, Shape shape) {
        return tensor != null && tensor.isOpen() && tensor.dtype() == DType.F32 && tensor.shape().equals(shape);
    }

    /** Whether {@code shape} is {@link ConcatSpec#outputShape()}, without making that shape. */
    private static boolean holdsOutput(ConcatSpec spec, Shape shape) {
        Shape first = spec.inputs().getFirst();
        if (shape.rank() != first.rank()) {
            return false;
        }
        long along = 0;
        for (Shape input : spec.inputs()) {
            along += input.dim(spec.axis());
        }
        for (int d = 0; d < shape.rank(); d++) {
            if (shape.dim(d) != (d == spec.axis() ? along : first.dim(d))) {
                return false;
            }
        }
        return true;
    }

    /** The same for the split: no gradient input may overlap {@code gradOutput} or another gradient input. */
    public static void checkBackward(ConcatSpec spec, Tensor gradOutput, List<Tensor> gradInputs) {
        int count = spec.inputs().size();
        TensorChecks.check(gradOutput, "concat backward: gradOutput", DType.F32, spec.outputShape());
        TensorChecks.checkList(gradInputs, "concat backward: gradInputs", count);
        for (int i = 0; i < count; i++) {
            TensorChecks.check(gradInputs.get(i), "concat backward: gradInput " + i, DType.F32,
                    spec.inputs().get(i));
        }
        for (int i = 0; i < count; i++) {
            String what = "concat backward: gradInput " + i;
            TensorChecks.requireDisjoint(gradInputs.get(i), what, gradOutput, "concat backward: gradOutput");
            for (int j = 0; j < i; j++) {
                TensorChecks.requireDisjoint(gradInputs.get(i), what, gradInputs.get(j),
                        "concat backward: gradInput " + j);
            }
        }
    }
}
