package dev.jdnn.engine.testing;

import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.Conv2dForward;
import dev.jdnn.engine.backend.Conv2dSpec;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.backend.PreparedConv2d;
import dev.jdnn.engine.tensor.Tensor;

/**
 * One convolution test case for any {@link Backend}: random input, weights, bias and previous output from a seed; the
 * expected result from {@link ReferenceConv2d} with the post-op applied in double; the check with the reduction bound
 * (one more term for the previous output of a sum post-op).
 */
public record ConvCase(Conv2dSpec spec, long seed) {

    /** Runs the backend's convolution on this case and asserts it matches the reference. */
    public void check(Backend backend) {
        float[] input = RandomData.uniform(seed, (int) spec.input().elementCount());
        float[] weight = RandomData.uniform(seed + 1, (int) spec.weightShape().elementCount());
        float[] bias = spec.bias() ? RandomData.uniform(seed + 2, spec.outChannels()) : null;
        float[] previous = RandomData.uniform(seed + 3, (int) spec.outputShape().elementCount());
        ReferenceConv2d.Result expected = withPostOp(ReferenceConv2d.forward(input, spec.input(), weight,
                spec.weightShape(), bias, spec.window(), spec.groups()), previous, spec.postOp());
        float[] actual;
        try (Tensor x = Tensor.of(input, spec.input().dims());
             Tensor w = Tensor.of(weight, spec.weightShape().dims());
             Tensor b = bias == null ? null : Tensor.of(bias, spec.outChannels());
             Tensor y = Tensor.of(previous, spec.outputShape().dims())) {
            Conv2dForward conv = backend.conv2dForward(spec);
            conv.run(x, w, b, y);
            actual = y.toFloatArray();
            assertPreparedRunMatches(conv, x, w, b, previous, actual, backend.name());
        }
        expected.assertMatches(actual, backend.name() + " conv2d " + this);
    }

    /**
     * Prepares {@code w} and {@code b} on {@code conv}, changes them afterwards (a prepared convolution keeps copies),
     * runs it on an output holding {@code previous} and asserts the result is bit for bit {@code expected}, the result
     * of {@code conv.run} on the same arguments. Restores {@code w} and {@code b}.
     */
    public static void assertPreparedRunMatches(Conv2dForward conv, Tensor x, Tensor w, Tensor b, float[] previous,
                                                float[] expected, String backend) {
        float[] weights = w.toFloatArray();
        float[] bias = b == null ? null : b.toFloatArray();
        try (PreparedConv2d prepared = conv.prepare(w, b);
             Tensor y = Tensor.of(previous, conv.spec().outputShape().dims())) {
            w.fill(Float.NaN);
            if (b != null) {
                b.fill(Float.NaN);
            }
            prepared.run(x, y);
            Tolerance.assertBitsEqual(expected, y.toFloatArray(), backend + " prepared conv2d " + conv.spec());
        } finally {
            w.copyFrom(weights);
            if (b != null) {
                b.copyFrom(bias);
            }
        }
    }

    /**
     * The reference after the post-op: a sum adds the output's previous contents (one more term of the reduction);
     * ReLU and ReLU6 move no value further from the exact one, so the bound stays; SiLU and Hardswish have slopes up
     * to 1.1 and 1.5, so the convolution's error may grow by 1.5, and their own evaluation (an exponential, a
     * division) adds a few roundings of the result.
     */
    public static ReferenceConv2d.Result withPostOp(ReferenceConv2d.Result conv, float[] previous, PostOp postOp) {
        double[] values = conv.values().clone();
        double[] magnitudes = conv.magnitudes().clone();
        boolean sum = postOp.hasSum();
        for (int i = 0; i < values.length; i++) {
            if (sum) {
                values[i] += previous[i];
                magnitudes[i] += Math.abs(previous[i]);
            }
            double s = values[i];
            switch (postOp) {
                case RELU, SUM_RELU -> values[i] = Math.max(s, 0);
                case RELU6 -> values[i] = Math.min(Math.max(s, 0), 6);
                case SILU -> values[i] = s / (1 + Math.exp(-s));
                case HARDSWISH -> values[i] = s * Math.min(Math.max(s + 3, 0), 6) / 6;
                case NONE, SUM -> { }
            }
            if (postOp == PostOp.SILU || postOp == PostOp.HARDSWISH) {
                magnitudes[i] = 1.5 * magnitudes[i] + 8 * Math.abs(values[i]);
            }
        }
        return new ReferenceConv2d.Result(conv.shape(), values, magnitudes,
                conv.reductionLength() + (sum ? 1 : 0));
    }

}
