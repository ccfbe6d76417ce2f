package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.function.Function;

/**
 * A channels-last pooling on the Java kernels (NCHW): input transposed into an NCHW buffer, the NCHW pooling, output
 * transposed back. Inference forward only, like every channels-last pooling.
 */
final class ChannelsLastPool2d implements Pool2d, AutoCloseable {

    private final Pool2dSpec spec;
    private final Pool2d plain;
    private final Reorder inputToPlain;
    private final Reorder outputFromPlain;
    private final Tensor plainInput;
    private final Tensor plainOutput;

    /** @param spec an NHWC spec; {@code plain} the same pooling on NCHW tensors; {@code reorder} the backend's */
    ChannelsLastPool2d(Pool2dSpec spec, Pool2d plain, Function<ReorderSpec, Reorder> reorder) {
        this.spec = spec;
        this.plain = plain;
        inputToPlain = reorder.apply(new ReorderSpec(spec.input(), TensorFormat.NHWC, DType.F32, TensorFormat.NCHW,
                DType.F32));
        outputFromPlain = reorder.apply(new ReorderSpec(spec.outputShape(), TensorFormat.NCHW, DType.F32,
                TensorFormat.NHWC, DType.F32));
        plainInput = Tensor.allocate(spec.input(), DType.F32);
        plainOutput = Tensor.allocate(spec.outputShape(), DType.F32);
    }

    @Override
    public Pool2dSpec spec() {
        return spec;
    }

    @Override
    public void forward(Tensor input, Tensor output) {
        PoolingArguments.checkForward(spec, input, output);
        inputToPlain.run(input, plainInput);
        plain.forward(plainInput, plainOutput);
        outputFromPlain.run(plainOutput, output);
    }

    @Override
    public void forwardTraining(Tensor input, Tensor output, Tensor workspace) {
        PoolingArguments.requirePlain(spec, "the training forward pass");
    }

    @Override
    public void backward(Tensor gradOutput, Tensor workspace, Tensor gradInput) {
        PoolingArguments.requirePlain(spec, "the backward pass");
    }

    @Override
    public Shape workspaceShape() {
        return plain.workspaceShape();
    }

    @Override
    public void close() {
        plainInput.close();
        plainOutput.close();
    }
}
