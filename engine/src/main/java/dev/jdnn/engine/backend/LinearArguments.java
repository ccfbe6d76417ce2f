package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;
import java.lang.foreign.MemorySegment;

/** The argument checks every backend's {@link Linear} runs before touching memory, so all fail alike. */
public final class LinearArguments {

    private LinearArguments() {
    }

    public static void checkForward(LinearSpec spec, Tensor input, Tensor weight, Tensor bias, Tensor output) {
        MemorySegment x = check(input, "linear: input", spec.inputShape());
        MemorySegment w = check(weight, "linear: weight", spec.weightShape());
        MemorySegment b = checkBias(spec, bias, "linear: bias", "bias");
        MemorySegment y = check(output, "linear: output", spec.outputShape());
        TensorChecks.requireDisjoint(y, "linear: output", x, "input");
        TensorChecks.requireDisjoint(y, "linear: output", w, "weight");
        if (b != null) {
            TensorChecks.requireDisjoint(y, "linear: output", b, "bias");
        }
    }

    public static void checkBackwardData(LinearSpec spec, Tensor gradOutput, Tensor weight, Tensor gradInput) {
        final String op = "linear backward data";
        MemorySegment dy = check(gradOutput, op + ": gradOutput", spec.outputShape());
        MemorySegment w = check(weight, op + ": weight", spec.weightShape());
        MemorySegment dx = check(gradInput, op + ": gradInput", spec.inputShape());
        TensorChecks.requireDisjoint(dx, op + ": gradInput", dy, "gradOutput");
        TensorChecks.requireDisjoint(dx, op + ": gradInput", w, "weight");
    }

    public static void checkBackwardWeights(LinearSpec spec, Tensor input, Tensor gradOutput, Tensor gradWeight,
                                            Tensor gradBias) {
        final String op = "linear backward weights";
        MemorySegment x = check(input, op + ": input", spec.inputShape());
        MemorySegment dy = check(gradOutput, op + ": gradOutput", spec.outputShape());
        MemorySegment dw = check(gradWeight, op + ": gradWeight", spec.weightShape());
        MemorySegment db = checkBias(spec, gradBias, op + ": gradBias", "gradBias");
        TensorChecks.requireDisjoint(dw, op + ": gradWeight", x, "input");
        TensorChecks.requireDisjoint(dw, op + ": gradWeight", dy, "gradOutput");
        if (db != null) {
            TensorChecks.requireDisjoint(db, op + ": gradBias", x, "input");
            TensorChecks.requireDisjoint(db, op + ": gradBias", dy, "gradOutput");
            TensorChecks.requireDisjoint(db, op + ": gradBias", dw, "gradWeight");
        }
    }

    private static MemorySegment checkBias(LinearSpec spec, Tensor bias, String what, String name) {
        if (spec.bias()) {
            if (bias == null) {
                throw new IllegalArgumentException(what + " is missing; the layer was compiled with a bias "
                        + spec.biasShape());
            }
            return check(bias, what, spec.biasShape());
        }
        if (bias != null) {
            throw new IllegalArgumentException(what + " must be null; the layer was compiled without a bias");
        }
        return null;
    }

    private static MemorySegment check(Tensor tensor, String what, Shape expected) {
        TensorChecks.f32(tensor, what);
        Shape shape = tensor.shape();
        if (!shape.equals(expected) && shape.rank() > 2 && shape.dim(0) == expected.dim(0)
                && shape.elementCountFrom(1) == expected.dim(1)) {
            throw new IllegalArgumentException(what + " must have shape " + expected + ", got " + shape
                    + "; pass its view flatten(1)");
        }
        shape.requireEqual(expected, what);
        return tensor.segment(what);
    }
}
