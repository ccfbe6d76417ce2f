package dev.jdnn.engine.testing;

import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.Conv2dForward;
import dev.jdnn.engine.backend.Conv2dSpec;
import dev.jdnn.engine.backend.PostOp;
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
        ReferenceConv2d.Result reference = ReferenceConv2d.forward(input, spec.input(), weight, spec.weightShape(),
                bias, spec.window(), spec.groups());
        double[] expected = reference.values().clone();
        double[] magnitudes = reference.magnitudes().clone();
        boolean sum = spec.postOp() == PostOp.SUM || spec.postOp() == PostOp.SUM_RELU;
        boolean relu = spec.postOp() == PostOp.RELU || spec.postOp() == PostOp.SUM_RELU;
        for (int i = 0; i < expected.length; i++) {
            if (sum) {
                expected[i] += previous[i];
                magnitudes[i] += Math.abs(previous[i]);
            }
            if (relu) {
                expected[i] = Math.max(expected[i], 0);
            }
        }
        float[] actual;
        try (Tensor x = Tensor.of(input, spec.input().dims());
             Tensor w = Tensor.of(weight, spec.weightShape().dims());
             Tensor b = bias == null ? null : Tensor.of(bias, spec.outChannels());
             Tensor y = Tensor.of(previous, spec.outputShape().dims());
             Conv2dForward conv = backend.conv2dForward(spec)) {
            conv.run(x, w, b, y);
            actual = y.toFloatArray();
        }
        Tolerance.assertWithinReductionBound(expected, magnitudes, actual,
                reference.reductionLength() + (sum ? 1 : 0), backend.name() + " conv2d " + this);
    }
}
