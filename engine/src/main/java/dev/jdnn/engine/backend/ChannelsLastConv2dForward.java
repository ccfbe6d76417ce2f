package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Tensor;
import java.util.function.Function;

/**
 * A channels-last convolution on a backend whose kernels are NCHW (the Java path, and oneDNN's Java fallback): the
 * input is transposed into an NCHW buffer, the NCHW convolution runs, and its output is transposed into the caller's
 * NHWC tensor (with a sum post-op, the caller's previous output is transposed in first). Correct, not fast: an
 * inference session asks for channels-last only on backends that compute it natively
 * ({@link Backend#prefersChannelsLast()}).
 */
final class ChannelsLastConv2dForward implements Conv2dForward, AutoCloseable {

    private final Conv2dSpec spec;
    private final Conv2dForward plain;
    private final Reorder inputToPlain;   // null when the input is NCHW already
    private final Reorder outputToPlain;  // null when the output is NCHW already
    private final Reorder outputFromPlain;
    private final Tensor plainInput;      // (N, C, H, W), or null
    private final Tensor plainOutput;     // (N, OC, OH, OW), or null

    /**
     * @param spec    a spec with an NHWC input or output
     * @param plain   the same convolution on NCHW tensors
     * @param reorder the backend's reorders
     */
    ChannelsLastConv2dForward(Conv2dSpec spec, Conv2dForward plain, Function<ReorderSpec, Reorder> reorder) {
        this.spec = spec;
        this.plain = plain;
        boolean nhwcIn = spec.inputFormat() == TensorFormat.NHWC;
        boolean nhwcOut = spec.outputFormat() == TensorFormat.NHWC;
        inputToPlain = nhwcIn ? reorder.apply(toPlain(spec, true)) : null;
        outputToPlain = nhwcOut ? reorder.apply(toPlain(spec, false)) : null;
        outputFromPlain = nhwcOut ? reorder.apply(fromPlain(spec)) : null;
        plainInput = nhwcIn ? Tensor.allocate(spec.input(), DType.F32) : null;
        plainOutput = nhwcOut ? Tensor.allocate(spec.outputShape(), DType.F32) : null;
    }

    private static ReorderSpec toPlain(Conv2dSpec spec, boolean input) {
        return new ReorderSpec(input ? spec.input() : spec.outputShape(), TensorFormat.NHWC, DType.F32,
                TensorFormat.NCHW, DType.F32);
    }

    private static ReorderSpec fromPlain(Conv2dSpec spec) {
        return new ReorderSpec(spec.outputShape(), TensorFormat.NCHW, DType.F32, TensorFormat.NHWC, DType.F32);
    }

    @Override
    public Conv2dSpec spec() {
        return spec;
    }

    @Override
    public void run(Tensor input, Tensor weight, Tensor bias, Tensor output) {
        ConvArguments.checkForward(spec, input, weight, bias, output);
        plain.run(toPlainInput(input), weight, bias, toPlainOutput(output));
        fromPlainOutput(output);
    }

    @Override
    public PreparedConv2d prepare(Tensor weight, Tensor bias) {
        PreparedConv2d prepared = plain.prepare(weight, bias);
        return new PreparedConv2d() {
            @Override
            public Conv2dSpec spec() {
                return spec;
            }

            @Override
            public void run(Tensor input, Tensor output) {
                ConvArguments.checkInputOutput(spec, input, output);
                prepared.run(toPlainInput(input), toPlainOutput(output));
                fromPlainOutput(output);
            }

            @Override
            public void close() {
                prepared.close();
            }
        };
    }

    private Tensor toPlainInput(Tensor input) {
        if (inputToPlain == null) {
            return input;
        }
        inputToPlain.run(input, plainInput);
        return plainInput;
    }

    /** The NCHW tensor the plain convolution writes: the caller's, or the buffer (holding the sum operand if any). */
    private Tensor toPlainOutput(Tensor output) {
        if (outputToPlain == null) {
            return output;
        }
        if (spec.postOp() == PostOp.SUM || spec.postOp() == PostOp.SUM_RELU) {
            outputToPlain.run(output, plainOutput);
        }
        return plainOutput;
    }

    private void fromPlainOutput(Tensor output) {
        if (outputFromPlain != null) {
            outputFromPlain.run(plainOutput, output);
        }
    }

    @Override
    public void close() {
        if (plainInput != null) {
            plainInput.close();
        }
        if (plainOutput != null) {
            plainOutput.close();
        }
    }
}
