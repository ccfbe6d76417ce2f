package dev.jdnn.engine.backend;

import dev.jdnn.engine.kernel.Activation;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;
import java.lang.foreign.MemorySegment;

/** The argument checks every backend's {@link Eltwise} runs before touching memory, so all fail alike. */
public final class EltwiseArguments {

    private EltwiseArguments() {
    }

    /** {@code input} and {@code output} of the spec's shape; {@code output} is {@code input} itself or apart from it. */
    public static void checkForward(EltwiseSpec spec, Tensor input, Tensor output) {
        if (valid(spec, input) && valid(spec, output)) { // the common case allocates nothing (every session call)
            MemorySegment x = input.segment();
            MemorySegment y = output.segment();
            if (TensorChecks.sameMemory(x, y) || !TensorChecks.overlap(y, x)) {
                return;
            }
        }
        String op = spec.name();
        MemorySegment x = check(spec, input, op + ": input");
        MemorySegment y = check(spec, output, op + ": output");
        TensorChecks.requireSameOrDisjoint(y, op + ": output", x, "input");
    }

    /**
     * {@code gradOutput} and {@code gradInput} of the spec's shape, {@code gradInput} being {@code gradOutput} itself
     * or apart from it and apart from {@code input} and {@code output}; the tensor the gradient is computed from
     * ({@link Activation#gradientFromOutput()}) given, the other {@code null} or of the spec's shape. For a gradient
     * computed from the input, {@code input} must not be the output's memory: a forward that ran in place overwrote it.
     */
    public static void checkBackward(EltwiseSpec spec, Tensor input, Tensor output, Tensor gradOutput,
                                     Tensor gradInput) {
        String op = spec.name() + " backward";
        Activation f = spec.function();
        MemorySegment dy = check(spec, gradOutput, op + ": gradOutput");
        MemorySegment dx = check(spec, gradInput, op + ": gradInput");
        TensorChecks.requireSameOrDisjoint(dx, op + ": gradInput", dy, "gradOutput");
        if (f.gradientFromOutput() && output == null) {
            throw new IllegalArgumentException(op + ": output is null; the gradient of " + f
                    + " is computed from the forward's output");
        }
        if (!f.gradientFromOutput() && input == null) {
            throw new IllegalArgumentException(op + ": input is null; the gradient of " + f
                    + " is computed from the forward's input");
        }
        MemorySegment x = input == null ? null : check(spec, input, op + ": input");
        MemorySegment y = output == null ? null : check(spec, output, op + ": output");
        if (x != null) {
            TensorChecks.requireDisjoint(dx, op + ": gradInput", x, "input");
        }
        if (y != null) {
            TensorChecks.requireDisjoint(dx, op + ": gradInput", y, "output");
        }
        if (!f.gradientFromOutput() && y != null && x.asOverlappingSlice(y).isPresent()) {
            throw new IllegalArgumentException(op + ": input shares memory with output, so the forward ran in place"
                    + " and overwrote it; the gradient of " + f + " is computed from the forward's input");
        }
    }

    private static boolean valid(EltwiseSpec spec, Tensor tensor) {
        return tensor != null && tensor.isOpen() && tensor.dtype() == DType.F32 && tensor.shape().equals(spec.shape());
    }

    private static MemorySegment check(EltwiseSpec spec, Tensor tensor, String what) {
        return TensorChecks.f32(tensor, spec.shape(), what).segment(what);
    }
}
