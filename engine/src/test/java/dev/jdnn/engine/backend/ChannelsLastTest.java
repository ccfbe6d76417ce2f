package dev.jdnn.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.TestBackends;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Channels-last forward convolution and pooling (what an inference session keeps between oneDNN's layers) on both
 * backends: each NHWC spec, given the NCHW input transposed by an index-mapping reference, gives the NCHW spec's output
 * transposed, within a few float roundings of the largest output (a backend may pick another kernel for another
 * layout, which sums in another order); max pooling exactly. The Java backend transposes around its NCHW kernels,
 * oneDNN computes NHWC natively. Training and backward passes refuse channels-last specs by name.
 */
class ChannelsLastTest {

    private static final TestBackends BACKENDS = new TestBackends();
    private static final double RELATIVE_TOLERANCE = 1e-5;

    @AfterAll
    static void closeBackends() {
        BACKENDS.close();
    }

    static Stream<Arguments> convolutions() {
        Conv2dSpec[] plain = {
            new Conv2dSpec(Shape.of(1, 16, 9, 9), 32, Window2d.square(1, 1, 0), 1, true, PostOp.RELU),
            new Conv2dSpec(Shape.of(2, 8, 11, 10), 24, Window2d.square(3, 2, 1), 1, true, PostOp.SUM_RELU),
            new Conv2dSpec(Shape.of(1, 3, 17, 17), 16, Window2d.square(7, 2, 3), 1, false, PostOp.NONE),
            new Conv2dSpec(Shape.of(2, 32, 8, 8), 32, Window2d.square(3, 1, 1), 32, true, PostOp.SUM),
            new Conv2dSpec(Shape.of(1, 17, 6, 5), 20, Window2d.square(3, 1, 1), 1, true, PostOp.NONE),
        };
        List<Arguments> cases = new ArrayList<>();
        for (String backend : TestBackends.NAMES) {
            for (Conv2dSpec spec : plain) {
                cases.add(Arguments.of(backend, spec.withFormats(TensorFormat.NHWC, TensorFormat.NHWC)));
                cases.add(Arguments.of(backend, spec.withFormats(TensorFormat.NCHW, TensorFormat.NHWC)));
                cases.add(Arguments.of(backend, spec.withFormats(TensorFormat.NHWC, TensorFormat.NCHW)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("convolutions")
    void convolutionInEitherLayoutGivesTheNchwAnswer(String name, Conv2dSpec spec) {
        Backend backend = BACKENDS.get(name);
        Conv2dSpec plain = spec.withFormats(TensorFormat.NCHW, TensorFormat.NCHW);
        float[] input = RandomData.uniform(spec.hashCode(), Math.toIntExact(spec.input().elementCount()));
        float[] weight = RandomData.uniform(31, Math.toIntExact(spec.weightShape().elementCount()), -0.3f, 0.3f);
        float[] bias = RandomData.uniform(32, spec.outChannels());
        float[] previous = RandomData.uniform(33, Math.toIntExact(spec.outputShape().elementCount()));
        float[] expected = convolve(backend.conv2dForward(plain), plain, input, weight, bias, previous);
        float[] actual = convolve(backend.conv2dForward(spec), spec, input, weight, bias, previous);
        assertClose(expected, actual, name + " " + spec);
    }

    /** Runs {@code op} (prepared, as a session does) on NCHW arrays, converting in and out of the spec's layouts. */
    private static float[] convolve(Conv2dForward op, Conv2dSpec spec, float[] input, float[] weight, float[] bias,
                                    float[] previous) {
        try (Tensor in = Tensor.allocate(spec.inputTensorShape(), DType.F32);
             Tensor out = Tensor.allocate(spec.outputTensorShape(), DType.F32);
             Tensor w = Tensor.allocate(spec.weightShape(), DType.F32);
             Tensor b = spec.bias() ? Tensor.allocate(spec.biasShape(), DType.F32) : null;
             PreparedConv2d prepared = prepare(op, spec, w, b, weight, bias)) {
            in.copyFrom(toLayout(input, spec.input(), spec.inputFormat()));
            out.copyFrom(toLayout(previous, spec.outputShape(), spec.outputFormat()));
            prepared.run(in, out);
            return fromLayout(out.toFloatArray(), spec.outputShape(), spec.outputFormat());
        }
    }

    private static PreparedConv2d prepare(Conv2dForward op, Conv2dSpec spec, Tensor w, Tensor b, float[] weight,
                                          float[] bias) {
        w.copyFrom(weight);
        if (b != null) {
            b.copyFrom(bias);
        }
        return op.prepare(w, b);
    }

    static Stream<Arguments> poolings() {
        Pool2dSpec[] plain = {
            Pool2dSpec.max(Shape.of(1, 16, 12, 12), Window2d.square(3, 2, 1)),
            new Pool2dSpec(Shape.of(2, 5, 9, 7), PoolingMode.AVG_EXCLUDE_PAD, Window2d.square(3, 2, 1)),
            Pool2dSpec.globalAverage(Shape.of(2, 33, 7, 7)),
        };
        List<Arguments> cases = new ArrayList<>();
        for (String backend : TestBackends.NAMES) {
            for (Pool2dSpec spec : plain) {
                cases.add(Arguments.of(backend, spec.withFormat(TensorFormat.NHWC)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("poolings")
    void poolingInNhwcGivesTheNchwAnswer(String name, Pool2dSpec spec) {
        Backend backend = BACKENDS.get(name);
        float[] input = RandomData.uniform(spec.hashCode(), Math.toIntExact(spec.input().elementCount()));
        float[] expected = pool(backend.pool2d(spec.withFormat(TensorFormat.NCHW)), spec.withFormat(TensorFormat.NCHW),
                input);
        float[] actual = pool(backend.pool2d(spec), spec, input);
        if (spec.mode() == PoolingMode.MAX) {
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 0f, name + " " + spec + " element " + i);
            }
        } else {
            assertClose(expected, actual, name + " " + spec);
        }
    }

    private static float[] pool(Pool2d op, Pool2dSpec spec, float[] input) {
        try (Tensor in = Tensor.allocate(spec.inputTensorShape(), DType.F32);
             Tensor out = Tensor.allocate(spec.outputTensorShape(), DType.F32)) {
            in.copyFrom(toLayout(input, spec.input(), spec.format()));
            op.forward(in, out);
            return fromLayout(out.toFloatArray(), spec.outputShape(), spec.format());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jdnn.engine.testing.TestBackends#names")
    void batchNormInferenceInNhwcAndWithReluGivesTheNchwAnswer(String name) {
        Backend backend = BACKENDS.get(name);
        BatchNormSpec plain = new BatchNormSpec(Shape.of(2, 19, 5, 6), 1e-5);
        BatchNormSpec spec = plain.withFormat(TensorFormat.NHWC);
        int channels = plain.channels();
        float[] input = RandomData.uniform(41, Math.toIntExact(plain.input().elementCount()));
        try (Tensor mean = Tensor.of(RandomData.uniform(42, channels), channels);
             Tensor var = Tensor.of(RandomData.uniform(43, channels, 0.5f, 2f), channels);
             Tensor weight = Tensor.of(RandomData.uniform(44, channels), channels);
             Tensor bias = Tensor.of(RandomData.uniform(45, channels), channels);
             Tensor nchwIn = Tensor.of(input, plain.input().dims());
             Tensor nchwOut = Tensor.allocate(plain.input(), DType.F32);
             Tensor nhwcIn = Tensor.of(toLayout(input, plain.input(), TensorFormat.NHWC), spec.tensorShape().dims());
             Tensor nhwcOut = Tensor.allocate(spec.tensorShape(), DType.F32)) {
            backend.batchNorm2d(plain).forwardInference(nchwIn, mean, var, weight, bias, nchwOut);
            backend.batchNorm2d(spec).forwardInference(nhwcIn, mean, var, weight, bias, nhwcOut);
            assertClose(nchwOut.toFloatArray(),
                    fromLayout(nhwcOut.toFloatArray(), plain.input(), TensorFormat.NHWC), name + " " + spec);
            IllegalArgumentException training = assertThrows(IllegalArgumentException.class,
                    () -> backend.batchNorm2d(spec).forwardTraining(nhwcIn, weight, bias, nhwcOut, mean, var));
            assertTrue(training.getMessage().contains("NCHW tensors only"), training.getMessage());

            // With the ReLU fused (oneDNN's fuse_norm_relu), in either layout: the same values clamped at 0.
            float[] expected = nchwOut.toFloatArray();
            for (int i = 0; i < expected.length; i++) {
                expected[i] = Math.max(expected[i], 0f);
            }
            BatchNormSpec plainRelu = new BatchNormSpec(plain.input(), plain.epsilon(), TensorFormat.NCHW, true);
            backend.batchNorm2d(plainRelu).forwardInference(nchwIn, mean, var, weight, bias, nchwOut);
            assertClose(expected, nchwOut.toFloatArray(), name + " " + plainRelu);
            BatchNormSpec nhwcRelu = plainRelu.withFormat(TensorFormat.NHWC);
            backend.batchNorm2d(nhwcRelu).forwardInference(nhwcIn, mean, var, weight, bias, nhwcOut);
            assertClose(expected, fromLayout(nhwcOut.toFloatArray(), plain.input(), TensorFormat.NHWC),
                    name + " " + nhwcRelu);
            IllegalArgumentException reluTraining = assertThrows(IllegalArgumentException.class,
                    () -> backend.batchNorm2d(plainRelu).forwardTraining(nchwIn, weight, bias, nchwOut, mean, var));
            assertTrue(reluTraining.getMessage().contains("has no fused ReLU"), reluTraining.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jdnn.engine.testing.TestBackends#names")
    void trainingAndBackwardRefuseChannelsLast(String name) {
        Backend backend = BACKENDS.get(name);
        Pool2dSpec pooling = Pool2dSpec.max(Shape.of(1, 4, 6, 6), Window2d.square(2, 2, 0))
                .withFormat(TensorFormat.NHWC);
        Pool2d op = backend.pool2d(pooling);
        try (Tensor in = Tensor.allocate(pooling.inputTensorShape(), DType.F32);
             Tensor out = Tensor.allocate(pooling.outputTensorShape(), DType.F32);
             Tensor workspace = op.allocateWorkspace()) {
            IllegalArgumentException training = assertThrows(IllegalArgumentException.class,
                    () -> op.forwardTraining(in, out, workspace));
            assertTrue(training.getMessage().contains("NCHW tensors only"), training.getMessage());
            assertThrows(IllegalArgumentException.class, () -> op.backward(out, workspace, in));
        }
        Conv2dSpec conv = new Conv2dSpec(Shape.of(1, 4, 6, 6), 8, Window2d.square(3, 1, 1), 1, false, PostOp.NONE)
                .withFormats(TensorFormat.NHWC, TensorFormat.NHWC);
        IllegalArgumentException backward = assertThrows(IllegalArgumentException.class,
                () -> backend.conv2dBackward(conv));
        assertTrue(backward.getMessage().contains("NCHW tensors only"), backward.getMessage());
    }

    /** {@code (N, C, H, W)} values laid out in {@code format}, by index mapping. */
    static float[] toLayout(float[] nchw, Shape shape, TensorFormat format) {
        if (format == TensorFormat.NCHW) {
            return nchw.clone();
        }
        int n = shape.dim(0);
        int c = shape.dim(1);
        int hw = shape.dim(2) * shape.dim(3);
        float[] nhwc = new float[nchw.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < hw; p++) {
                    nhwc[(b * hw + p) * c + ch] = nchw[(b * c + ch) * hw + p];
                }
            }
        }
        return nhwc;
    }

    /** Values laid out in {@code format} as {@code (N, C, H, W)}. */
    static float[] fromLayout(float[] values, Shape shape, TensorFormat format) {
        if (format == TensorFormat.NCHW) {
            return values;
        }
        int n = shape.dim(0);
        int c = shape.dim(1);
        int hw = shape.dim(2) * shape.dim(3);
        float[] nchw = new float[values.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < hw; p++) {
                    nchw[(b * c + ch) * hw + p] = values[(b * hw + p) * c + ch];
                }
            }
        }
        return nchw;
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double largest = 0;
        for (float v : expected) {
            largest = Math.max(largest, Math.abs(v));
        }
        assertTrue(largest > 0, what + ": the reference output is all zeros, the test would prove nothing");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], RELATIVE_TOLERANCE * largest, what + ": element " + i);
        }
    }
}
