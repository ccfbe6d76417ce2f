package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.Tensor;
import java.util.function.Function;

/**
 * A channels-last batch normalization on the Java kernels (NCHW): the input is transposed into an NCHW buffer,
 * normalized there in place, and transposed into the output. Inference only, like every channels-last batch norm.
 */
final class ChannelsLastBatchNorm2d implements BatchNorm2d, AutoCloseable {

    private final BatchNormSpec spec;
    private final BatchNorm2d plain;
    private final NchwStaging staging;

    /** @param spec an NHWC spec; {@code plain} the same batch norm on NCHW tensors; {@code reorder} the backend's */
    ChannelsLastBatchNorm2d(BatchNormSpec spec, BatchNorm2d plain, Function<ReorderSpec, Reorder> reorder) {
        this.spec = spec;
        this.plain = plain;
        staging = new NchwStaging(spec.input(), reorder);
    }

    @Override
    public BatchNormSpec spec() {
        return spec;
    }

    @Override
    public void forwardInference(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                 Tensor output) {
        BatchNormArguments.checkInference(spec, input, runningMean, runningVar, weight, bias, output);
        Tensor buffer = staging.load(input);
        plain.forwardInference(buffer, runningMean, runningVar, weight, bias, buffer);
        staging.store(output);
    }

    @Override
    public void forwardTraining(Tensor input, Tensor weight, Tensor bias, Tensor output, Tensor saveMean,
                                Tensor saveVar) {
        BatchNormArguments.requirePlain(spec, "training");
    }

    @Override
    public void backward(Tensor input, Tensor gradOutput, Tensor saveMean, Tensor saveVar, Tensor weight,
                         Tensor gradInput, Tensor gradWeight, Tensor gradBias) {
        BatchNormArguments.requirePlain(spec, "the backward pass");
    }

    @Override
    public void close() {
        staging.close();
    }
}
