package dev.jdnn.engine.backend;

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
    private final NchwStaging input;  // null when the input is NCHW already
    private final NchwStaging output; // null when the output is NCHW already

    /**
     * @param spec    a spec with an NHWC input or output
     * @param plain   the same convolution on NCHW tensors
     * @param reorder the backend's reorders
     */
    ChannelsLastConv2dForward(Conv2dSpec spec, Conv2dForward plain, Function<ReorderSpec, Reorder> reorder) {
        this.spec = spec;
        this.plain = plain;
        input = spec.inputFormat() == TensorFormat.NHWC ? new NchwStaging(spec.input(), reorder) : null;
        output = spec.outputFormat() == TensorFormat.NHWC ? new NchwStaging(spec.outputShape(), reorder) : null;
    }

    @Override
    public Conv2dSpec spec() {
        return spec;
    }

    @Override
    public void run(Tensor input, Tensor weight, Tensor bias, Tensor output) {
        ConvArguments.checkForward(spec, input, weight, bias, output);
        plain.run(plainInput(input), weight, bias, plainOutput(output));
        store(output);
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
                prepared.run(plainInput(input), plainOutput(output));
                store(output);
            }

            @Override
            public void close() {
                prepared.close();
            }
        };
    }

    private Tensor plainInput(Tensor tensor) {
        return input == null ? tensor : input.load(tensor);
    }

    /** The NCHW tensor the plain convolution writes: the caller's, or the buffer (holding the sum operand if any). */
    private Tensor plainOutput(Tensor tensor) {
        if (output == null) {
            return tensor;
        }
        return spec.postOp().hasSum() ? output.load(tensor) : output.buffer();
    }

    private void store(Tensor tensor) {
        if (output != null) {
            output.store(tensor);
        }
    }

    @Override
    public void close() {
        if (input != null) {
            input.close();
        }
        if (output != null) {
            output.close();
        }
    }
}
