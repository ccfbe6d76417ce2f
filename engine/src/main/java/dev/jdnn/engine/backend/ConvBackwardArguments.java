package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;
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
        if (!spec.isPlain()) {
            throw new IllegalArgumentException("conv2d backward: runs on NCHW tensors only, got input "
                    + spec.inputFormat() + " and output " + spec.outputFormat()
                    + " (channels-last is for the inference forward pass)");
        }
    }

    /** Checks shapes, dtype, open-ness and aliasing of the backward-data arguments against {@code spec}. */
    public static void checkBackwardData(Conv2dSpec spec, Tensor gradOutput, Tensor weight, Tensor gradInput) {
        TensorChecks.f32(gradOutput, DATA + ": gradOutput").shape().requireEqual(spec.outputShape(), DATA + ": gradOutput");
        TensorChecks.f32(weight, DATA + ": weight").shape().requireEqual(spec.weightShape(), DATA + ": weight");
        TensorChecks.f32(gradInput, DATA + ": gradInput").shape().requireEqual(spec.input(), DATA + ": gradInput");
        MemorySegment result = gradInput.segment(DATA + ": gradInput");
        TensorChecks.requireDisjoint(result, DATA + ": gradInput", gradOutput.segment(DATA + ": gradOutput"), "gradOutput");
        TensorChecks.requireDisjoint(result, DATA + ": gradInput", weight.segment(DATA + ": weight"), "weight");
    }

    /** Checks shapes, dtype, open-ness and aliasing of the backward-weights arguments against {@code spec}. */
    public static void checkBackwardWeights(Conv2dSpec spec, Tensor input, Tensor gradOutput, Tensor gradWeight,
                                            Tensor gradBias) {
        TensorChecks.f32(input, WEIGHTS + ": input").shape().requireEqual(spec.input(), WEIGHTS + ": input");
        TensorChecks.f32(gradOutput, WEIGHTS + ": gradOutput").shape().requireEqual(spec.outputShape(),
                WEIGHTS + ": gradOutput");
        TensorChecks.f32(gradWeight, WEIGHTS + ": gradWeight").shape().requireEqual(spec.weightShape(),
                WEIGHTS + ": gradWeight");
        if (spec.bias()) {
            if (gradBias == null) {
                throw new IllegalArgumentException(WEIGHTS + ": gradBias is missing; the convolution was compiled"
                        + " with a bias " + spec.biasShape());
            }
            TensorChecks.f32(gradBias, WEIGHTS + ": gradBias").shape().requireEqual(spec.biasShape(), WEIGHTS + ": gradBias");
        } else if (gradBias != null) {
            throw new IllegalArgumentException(WEIGHTS + ": gradBias must be null; the convolution was compiled"
                    + " without a bias");
        }
        MemorySegment x = input.segment(WEIGHTS + ": input");
        MemorySegment dy = gradOutput.segment(WEIGHTS + ": gradOutput");
        MemorySegment dw = gradWeight.segment(WEIGHTS + ": gradWeight");
        TensorChecks.requireDisjoint(dw, WEIGHTS + ": gradWeight", x, "input");
        TensorChecks.requireDisjoint(dw, WEIGHTS + ": gradWeight", dy, "gradOutput");
        if (gradBias != null) {
            MemorySegment db = gradBias.segment(WEIGHTS + ": gradBias");
            TensorChecks.requireDisjoint(db, WEIGHTS + ": gradBias", x, "input");
            TensorChecks.requireDisjoint(db, WEIGHTS + ": gradBias", dy, "gradOutput");
            TensorChecks.requireDisjoint(db, WEIGHTS + ": gradBias", dw, "gradWeight");
        }
    }
}
