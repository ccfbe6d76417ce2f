package dev.jdnn.engine.backend;

import dev.jdnn.engine.kernel.Activations;
import dev.jdnn.engine.kernel.Sgemm;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * A fully connected layer on {@link Sgemm}: forward {@code y = x · Wᵀ} (B transposed) then the bias as the vectorized
 * per-feature add ({@link Activations#scaleShift} with scale 1, exact); backward data {@code dx = dy · W} (plain);
 * backward weights {@code dW = dyᵀ · x} (A transposed) and {@code db = 1ᵀ · dy}, the per-feature sum over the batch
 * as a one-row GEMM.
 */
final class JavaLinear implements Linear, AutoCloseable {

    private final LinearSpec spec;
    private final Tensor onesOut;   // (out) of 1: the scale of the bias add; null without bias
    private final Tensor onesBatch; // (N) of 1: the row that sums dy over the batch; null without bias

    JavaLinear(LinearSpec spec) {
        this.spec = spec;
        if (spec.bias()) {
            onesOut = Tensor.allocate(spec.biasShape(), DType.F32);
            onesBatch = Tensor.allocate(Shape.of(spec.batch()), DType.F32);
            onesOut.fill(1f);
            onesBatch.fill(1f);
        } else {
            onesOut = null;
            onesBatch = null;
        }
    }

    @Override
    public LinearSpec spec() {
        return spec;
    }

    @Override
    public void forward(Tensor input, Tensor weight, Tensor bias, Tensor output) {
        LinearArguments.checkForward(spec, input, weight, bias, output);
        int n = spec.batch();
        int in = spec.inFeatures();
        int out = spec.outFeatures();
        Sgemm.sgemm(false, true, n, out, in, 1f, input.segment("linear: input"), 0, in,
                weight.segment("linear: weight"), 0, in, 0f, output.segment("linear: output"), 0, out);
        if (bias != null) {
            // y·1 + b is exactly y + b.
            Activations.scaleShift(output, onesOut, bias, output);
        }
    }

    @Override
    public void backwardData(Tensor gradOutput, Tensor weight, Tensor gradInput) {
        LinearArguments.checkBackwardData(spec, gradOutput, weight, gradInput);
        int n = spec.batch();
        int in = spec.inFeatures();
        int out = spec.outFeatures();
        Sgemm.sgemm(false, false, n, in, out, 1f, gradOutput.segment("linear backward data: gradOutput"), 0, out,
                weight.segment("linear backward data: weight"), 0, in, 0f,
                gradInput.segment("linear backward data: gradInput"), 0, in);
    }

    @Override
    public void backwardWeights(Tensor input, Tensor gradOutput, Tensor gradWeight, Tensor gradBias) {
        LinearArguments.checkBackwardWeights(spec, input, gradOutput, gradWeight, gradBias);
        int n = spec.batch();
        int in = spec.inFeatures();
        int out = spec.outFeatures();
        MemorySegment dy = gradOutput.segment("linear backward weights: gradOutput");
        Sgemm.sgemm(true, false, out, in, n, 1f, dy, 0, out, input.segment("linear backward weights: input"), 0, in,
                0f, gradWeight.segment("linear backward weights: gradWeight"), 0, in);
        if (gradBias != null) {
            Sgemm.sgemm(false, false, 1, out, n, 1f, onesBatch.segment("linear: ones"), 0, n, dy, 0, out, 0f,
                    gradBias.segment("linear backward weights: gradBias"), 0, out);
        }
    }

    @Override
    public void close() {
        if (onesOut != null) {
            onesOut.close();
            onesBatch.close();
        }
    }
}
