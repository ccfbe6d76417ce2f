package dev.jdnn.engine.backend;

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
    private final NchwStaging input;
    private final NchwStaging output;

    /** @param spec an NHWC spec; {@code plain} the same pooling on NCHW tensors; {@code reorder} the backend's */
    ChannelsLastPool2d(Pool2dSpec spec, Pool2d plain, Function<ReorderSpec, Reorder> reorder) {
        this.spec = spec;
        this.plain = plain;
        input = new NchwStaging(spec.input(), reorder);
        output = new NchwStaging(spec.outputShape(), reorder);
    }

    @Override
    public Pool2dSpec spec() {
        return spec;
    }

    @Override
    public void forward(Tensor input, Tensor output) {
        PoolingArguments.checkForward(spec, input, output);
        plain.forward(this.input.load(input), this.output.buffer());
        this.output.store(output);
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
        input.close();
        output.close();
    }
}
