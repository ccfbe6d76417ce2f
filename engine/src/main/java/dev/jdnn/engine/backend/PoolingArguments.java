package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;

/**
 * The argument checks every backend's pooling and LRN run before touching memory, so that both backends fail with the
 * same messages.
 */
public final class PoolingArguments {

    private PoolingArguments() {
    }

    /** Checks a pooling forward pass's input and output against {@code spec}. */
    public static void checkForward(Pool2dSpec spec, Tensor input, Tensor output) {
        Shape in = spec.input();
        LayoutChecks.require(input, spec.format(), in, "pool2d: input");
        LayoutChecks.require(output, DType.F32, spec.format(), in.dim(0), in.dim(1),
                spec.window().outputHeight(in.dim(2)), spec.window().outputWidth(in.dim(3)), "pool2d: output");
        TensorChecks.requireDisjoint(output, "pool2d: output", input, "the input");
    }

    /** Refuses a channels-last spec for training and backward passes (NCHW only). */
    public static void requirePlain(Pool2dSpec spec, String pass) {
        if (spec.format() != TensorFormat.NCHW) {
            throw new IllegalArgumentException("pool2d: " + pass + " runs on NCHW tensors only; this pooling is "
                    + spec.format() + " (channels-last is for the inference forward pass)");
        }
    }

    /** Checks a pooling backward pass's gradients against {@code spec}. */
    public static void checkBackward(Pool2dSpec spec, Tensor gradOutput, Tensor gradInput) {
        TensorChecks.f32(gradOutput, "pool2d backward: gradOutput").shape()
                .requireEqual(spec.outputShape(), "pool2d backward: gradOutput");
        TensorChecks.f32(gradInput, "pool2d backward: gradInput").shape()
                .requireEqual(spec.input(), "pool2d backward: gradInput");
        TensorChecks.requireDisjoint(gradInput, "pool2d backward: gradInput", gradOutput, "gradOutput");
    }

    /** Checks an LRN forward pass's input and output against {@code spec}. */
    public static void checkForward(LrnSpec spec, Tensor input, Tensor output) {
        TensorChecks.f32(input, "lrn: input").shape().requireEqual(spec.input(), "lrn: input");
        TensorChecks.f32(output, "lrn: output").shape().requireEqual(spec.input(), "lrn: output");
        TensorChecks.requireDisjoint(output, "lrn: output", input, "the input");
    }

    /** Checks an LRN backward pass's arguments against {@code spec}. */
    public static void checkBackward(LrnSpec spec, Tensor input, Tensor gradOutput, Tensor gradInput) {
        TensorChecks.f32(input, "lrn backward: input").shape().requireEqual(spec.input(), "lrn backward: input");
        TensorChecks.f32(gradOutput, "lrn backward: gradOutput").shape()
                .requireEqual(spec.input(), "lrn backward: gradOutput");
        TensorChecks.f32(gradInput, "lrn backward: gradInput").shape().requireEqual(spec.input(), "lrn backward: gradInput");
        TensorChecks.requireDisjoint(gradInput, "lrn backward: gradInput", input, "the input");
        TensorChecks.requireDisjoint(gradInput, "lrn backward: gradInput", gradOutput, "gradOutput");
    }

    /**
     * Checks a workspace against the shape its operation reported: {@code null} when {@code expected} is
     * {@code null}, else an open {@link DType#S8} tensor of shape {@code expected}.
     */
    public static void checkWorkspace(Shape expected, Tensor workspace, String what) {
        if (expected == null) {
            if (workspace != null) {
                throw new IllegalArgumentException(what + " must be null: this operation needs none, got a tensor "
                        + workspace.shape());
            }
            return;
        }
        if (workspace == null) {
            throw new IllegalArgumentException(what + " is null; this operation needs its s8 workspace"
                    + " (allocateWorkspace())");
        }
        workspace.requireOpen(what).requireDType(DType.S8, what).shape().requireEqual(expected, what);
    }
}
