package dev.jdnn.engine.testing;

import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.BatchNorm2d;
import dev.jdnn.engine.backend.BatchNormSpec;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One batch-norm test case for any {@link Backend}: input {@code (batch, channels, height, width)} of values
 * {@code offset ± 1} (an offset of 1000 catches a one-pass {@code E[x²] - E[x]²} variance: it would lose every digit),
 * weights in {@code ±1.5}, biases and output gradients in {@code ±1}, running statistics near the data's; all from a
 * seed. Runs each of the three passes on real tensors and returns what the backend wrote.
 */
public record BatchNormCase(int batch, int channels, int height, int width, double epsilon, float offset) {

    /** Channels 1, 3, 7, 16, 17 × spatial 1×1, 7×5, 13×12 × batch 1, 5 × ε 1e-5, 1e-3 × offset 0, 1000. */
    public static Stream<BatchNormCase> matrix() {
        List<BatchNormCase> cases = new ArrayList<>();
        for (int channels : new int[] {1, 3, 7, 16, 17}) {
            for (int[] spatial : new int[][] {{1, 1}, {7, 5}, {13, 12}}) {
                for (int batch : new int[] {1, 5}) {
                    for (double epsilon : new double[] {1e-5, 1e-3}) {
                        for (float offset : new float[] {0f, 1000f}) {
                            cases.add(new BatchNormCase(batch, channels, spatial[0], spatial[1], epsilon, offset));
                        }
                    }
                }
            }
        }
        return cases.stream();
    }

    public Shape shape() {
        return Shape.of(batch, channels, height, width);
    }

    public BatchNormSpec spec() {
        return new BatchNormSpec(shape(), epsilon);
    }

    /** Whether training is defined: more than one value per channel. */
    public boolean trainable() {
        return (long) batch * height * width > 1;
    }

    private long seed() {
        return toString().hashCode();
    }

    public float[] input() {
        return RandomData.uniform(seed(), (int) shape().elementCount(), offset - 1, offset + 1);
    }

    public float[] weight() {
        return RandomData.uniform(seed() + 1, channels, -1.5f, 1.5f);
    }

    public float[] bias() {
        return RandomData.uniform(seed() + 2, channels);
    }

    public float[] runningMean() {
        return RandomData.uniform(seed() + 3, channels, offset - 0.5f, offset + 0.5f);
    }

    public float[] runningVar() {
        return RandomData.uniform(seed() + 4, channels, 0.2f, 2f);
    }

    public float[] gradOutput() {
        return RandomData.uniform(seed() + 5, (int) shape().elementCount());
    }

    /** The inference output; {@code inPlace} runs it with the output being the input tensor. */
    public float[] runInference(Backend backend, boolean inPlace) {
        BatchNorm2d op = backend.batchNorm2d(spec());
        try (Tensor x = Tensor.of(input(), shape().dims());
             Tensor mean = Tensor.of(runningMean(), channels);
             Tensor var = Tensor.of(runningVar(), channels);
             Tensor w = Tensor.of(weight(), channels);
             Tensor b = Tensor.of(bias(), channels);
             Tensor y = inPlace ? null : Tensor.allocate(shape().dims())) {
            Tensor output = inPlace ? x : y;
            op.forwardInference(x, mean, var, w, b, output);
            return output.toFloatArray();
        }
    }

    /** {@code {output, saveMean, saveVar}} of the training forward. */
    public float[][] runTraining(Backend backend) {
        BatchNorm2d op = backend.batchNorm2d(spec());
        try (Tensor x = Tensor.of(input(), shape().dims());
             Tensor w = Tensor.of(weight(), channels);
             Tensor b = Tensor.of(bias(), channels);
             Tensor y = Tensor.allocate(shape().dims());
             Tensor mean = Tensor.allocate(channels);
             Tensor var = Tensor.allocate(channels)) {
            op.forwardTraining(x, w, b, y, mean, var);
            return new float[][] {y.toFloatArray(), mean.toFloatArray(), var.toFloatArray()};
        }
    }

    /** {@code {gradInput, gradWeight, gradBias}} from the given saved statistics. */
    public float[][] runBackward(Backend backend, float[] saveMean, float[] saveVar) {
        BatchNorm2d op = backend.batchNorm2d(spec());
        try (Tensor x = Tensor.of(input(), shape().dims());
             Tensor dy = Tensor.of(gradOutput(), shape().dims());
             Tensor mean = Tensor.of(saveMean, channels);
             Tensor var = Tensor.of(saveVar, channels);
             Tensor w = Tensor.of(weight(), channels);
             Tensor dx = Tensor.allocate(shape().dims());
             Tensor dw = Tensor.allocate(channels);
             Tensor db = Tensor.allocate(channels)) {
            op.backward(x, dy, mean, var, w, dx, dw, db);
            return new float[][] {dx.toFloatArray(), dw.toFloatArray(), db.toFloatArray()};
        }
    }

    public ReferenceBatchNorm.Result expectedInference() {
        return ReferenceBatchNorm.inference(input(), shape(), runningMean(), runningVar(), weight(), bias(), epsilon);
    }

    public ReferenceBatchNorm.Training expectedTraining() {
        return ReferenceBatchNorm.training(input(), shape(), weight(), bias(), epsilon);
    }

    /** The backward's reference with the saved statistics the backends are given: the exact ones, rounded to f32. */
    public ReferenceBatchNorm.Gradients expectedBackward(float[] saveMean, float[] saveVar) {
        return ReferenceBatchNorm.backward(input(), shape(), gradOutput(), saveMean, saveVar, weight(), epsilon);
    }

    @Override
    public String toString() {
        return "N" + batch + " C" + channels + " " + height + "x" + width + " eps " + epsilon + " offset " + offset;
    }
}
