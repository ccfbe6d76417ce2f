package dev.jdnn.engine.backend;

import dev.jdnn.engine.kernel.Activation;
import dev.jdnn.engine.kernel.Activations;
import dev.jdnn.engine.kernel.BatchNorm;
import dev.jdnn.engine.tensor.Tensor;

/**
 * Batch normalization on the Java kernels ({@link BatchNorm}): inference is a per-plane subtract-scale-shift, training
 * computes each channel's two-pass statistics and normalizes it in the same task, backward sums and applies per
 * channel. Holds no buffers. {@link #forwardInference} runs in place when {@code output == input}.
 */
final class JavaBatchNorm2d implements BatchNorm2d {

    private final BatchNormSpec spec;

    JavaBatchNorm2d(BatchNormSpec spec) {
        this.spec = spec;
    }

    @Override
    public BatchNormSpec spec() {
        return spec;
    }

    @Override
    public void forwardInference(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                 Tensor output) {
        BatchNormArguments.checkInference(spec, input, runningMean, runningVar, weight, bias, output);
        BatchNorm.forwardInference(input, runningMean, runningVar, weight, bias, spec.epsilon(), output);
        if (spec.relu()) {
            Activations.forward(Activation.RELU, output, output);
        }
    }

    @Override
    public void forwardTraining(Tensor input, Tensor weight, Tensor bias, Tensor output, Tensor saveMean,
                                Tensor saveVar) {
        BatchNormArguments.checkTraining(spec, input, weight, bias, output, saveMean, saveVar);
        BatchNorm.forwardTraining(input, weight, bias, spec.epsilon(), output, saveMean, saveVar);
    }

    @Override
    public void backward(Tensor input, Tensor gradOutput, Tensor saveMean, Tensor saveVar, Tensor weight,
                         Tensor gradInput, Tensor gradWeight, Tensor gradBias) {
        BatchNormArguments.checkBackward(spec, input, gradOutput, saveMean, saveVar, weight, gradInput, gradWeight,
                gradBias);
        BatchNorm.backward(input, gradOutput, saveMean, saveVar, weight, spec.epsilon(), gradInput, gradWeight,
                gradBias);
    }
}
