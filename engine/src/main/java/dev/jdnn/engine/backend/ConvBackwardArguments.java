package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * The checks every backend's {@link Conv2dBackward} runs: on the spec when it is compiled, on the arguments before
 * touching memory. One place, so both backends fail with the same messages.
 */
public final class ConvBackwardArguments {

    static final String DATA = "conv2d backward data";
    static final String WEIGHTS = "conv2d backward weights";

    private ConvBackwardArguments() {
    }

    /** Refuses a spec with a fused post-op: its backward belongs to the autograd, which runs it first. */
    public static void checkSpec(Conv2dSpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("conv2d backward: spec is null");
        }
        if (spec.postOp() != PostOp.NONE) {
            throw new IllegalArgumentException("conv2d backward: the spec's post-op must be NONE, got "
                    + spec.postOp() + " (the backward of a fused post-op is the autograd's: run its backward on the"
                    + " output gradient first, then this convolution's backward on a spec without it)");
        }
    }

    /** Checks shapes, dtype, open-ness and aliasing of the backward-data arguments against {@code spec}. */
    public static void checkBackwardData(Conv2dSpec spec, Tensor gradOutput, Tensor weight, Tensor gradInput) {
        check(gradOutput, DATA + ": gradOutput").shape().requireEqual(spec.outputShape(), DATA + ": gradOutput");
        check(weight, DATA + ": weight").shape().requireEqual(spec.weightShape(), DATA + ": weight");
        check(gradInput, DATA + ": gradInput").shape().requireEqual(spec.input(), DATA + ": gradInput");
        MemorySegment result = gradInput.segment(DATA + ": gradInput");
        requireDisjoint(result, DATA + ": gradInput", gradOutput.segment(DATA + ": gradOutput"), "gradOutput");
        requireDisjoint(result, DATA + ": gradInput", weight.segment(DATA + ": weight"), "weight");
    }

    /** Checks shapes, dtype, open-ness and aliasing of the backward-weights arguments against {@code spec}. */
    public static void checkBackwardWeights(Conv2dSpec spec, Tensor input, Tensor gradOutput, Tensor gradWeight,
                                            Tensor gradBias) {
        check(input, WEIGHTS + ": input").shape().requireEqual(spec.input(), WEIGHTS + ": input");
        check(gradOutput, WEIGHTS + ": gradOutput").shape().requireEqual(spec.outputShape(),
                WEIGHTS + ": gradOutput");
        check(gradWeight, WEIGHTS + ": gradWeight").shape().requireEqual(spec.weightShape(),
                WEIGHTS + ": gradWeight");
        if (spec.bias()) {
            if (gradBias == null) {
                throw new IllegalArgumentException(WEIGHTS + ": gradBias is missing; the convolution was compiled"
                        + " with a bias " + spec.biasShape());
            }
            check(gradBias, WEIGHTS + ": gradBias").shape().requireEqual(spec.biasShape(), WEIGHTS + ": gradBias");
        } else if (gradBias != null) {
            throw new IllegalArgumentException(WEIGHTS + ": gradBias must be null; the convolution was compiled"
                    + " without a bias");
        }
        MemorySegment x = input.segment(WEIGHTS + ": input");
        MemorySegment dy = gradOutput.segment(WEIGHTS + ": gradOutput");
        MemorySegment dw = gradWeight.segment(WEIGHTS + ": gradWeight");
        requireDisjoint(dw, WEIGHTS + ": gradWeight", x, "input");
        requireDisjoint(dw, WEIGHTS + ": gradWeight", dy, "gradOutput");
        if (gradBias != null) {
            MemorySegment db = gradBias.segment(WEIGHTS + ": gradBias");
            requireDisjoint(db, WEIGHTS + ": gradBias", x, "input");
            requireDisjoint(db, WEIGHTS + ": gradBias", dy, "gradOutput");
            requireDisjoint(db, WEIGHTS + ": gradBias", dw, "gradWeight");
        }
    }

    private static Tensor check(Tensor tensor, String what) {
        if (tensor == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        return tensor.requireOpen(what).requireDType(DType.F32, what);
    }

    private static void requireDisjoint(MemorySegment output, String what, MemorySegment input, String inputName) {
        if (output.asOverlappingSlice(input).isPresent()) {
            throw new IllegalArgumentException(what + " must not share memory with " + inputName);
        }
    }
}
