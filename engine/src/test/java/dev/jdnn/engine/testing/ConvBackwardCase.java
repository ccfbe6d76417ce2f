package dev.jdnn.engine.testing;

import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.Conv2dBackward;
import dev.jdnn.engine.backend.Conv2dSpec;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One convolution-backward test case for any {@link Backend}: random input, weights and output gradient from a seed;
 * the expected gradients from {@link ReferenceConv2d}'s backward passes (double, with magnitudes and reduction
 * lengths), checked with {@link Tolerance#assertWithinReductionBound}: each gradient element is an f32 dot product
 * whose error the forward-error bound γ(length)·Σ|terms| covers whatever the summation order, so one bound serves
 * im2col + SGEMM, oneDNN's blocked kernels and the double-across-planes bias sum alike.
 */
public record ConvBackwardCase(Conv2dSpec spec, long seed) {

    /** The gradients a backend computed, as arrays. */
    public record Gradients(float[] gradInput, float[] gradWeight, float[] gradBias) {
    }

    /** The exact gradients. */
    public record Expected(ReferenceConv2d.Result gradInput, ReferenceConv2d.Result gradWeight,
                           ReferenceConv2d.Result gradBias) {
    }

    public float[] input() {
        return RandomData.uniform(seed, (int) spec.input().elementCount());
    }

    public float[] weight() {
        return RandomData.uniform(seed + 1, (int) spec.weightShape().elementCount());
    }

    public float[] gradOutput() {
        return RandomData.uniform(seed + 2, (int) spec.outputShape().elementCount());
    }

    public Expected expected() {
        float[] gradOutput = gradOutput();
        return new Expected(
                ReferenceConv2d.backwardData(gradOutput, weight(), spec.weightShape(), spec.input(), spec.window(),
                        spec.groups()),
                ReferenceConv2d.backwardWeights(input(), spec.input(), gradOutput, spec.weightShape(), spec.window(),
                        spec.groups()),
                spec.bias() ? ReferenceConv2d.backwardBias(gradOutput, spec.outputShape()) : null);
    }

    /**
     * Runs both passes on {@code backend}. The outputs start out full of NaN, so a pass that leaves any element
     * unwritten (or accumulates into it) fails.
     */
    public Gradients run(Backend backend) {
        Conv2dBackward backward = backend.conv2dBackward(spec);
        try (Tensor x = Tensor.of(input(), spec.input().dims());
             Tensor w = Tensor.of(weight(), spec.weightShape().dims());
             Tensor dy = Tensor.of(gradOutput(), spec.outputShape().dims());
             Tensor dx = Tensor.allocate(spec.input(), DType.F32);
             Tensor dw = Tensor.allocate(spec.weightShape(), DType.F32);
             Tensor db = spec.bias() ? Tensor.allocate(spec.biasShape(), DType.F32) : null) {
            dx.fill(Float.NaN);
            dw.fill(Float.NaN);
            if (db != null) {
                db.fill(Float.NaN);
            }
            backward.backwardData(dy, w, dx);
            backward.backwardWeights(x, dy, dw, db);
            return new Gradients(dx.toFloatArray(), dw.toFloatArray(), db == null ? null : db.toFloatArray());
        }
    }

    /** Asserts that {@code actual} matches {@code expected} within the f32 reduction bounds. */
    public void assertMatches(Expected expected, Gradients actual, String who) {
        expected.gradInput().assertMatches(actual.gradInput(), who + " gradInput " + this);
        expected.gradWeight().assertMatches(actual.gradWeight(), who + " gradWeight " + this);
        if (expected.gradBias() != null) {
            expected.gradBias().assertMatches(actual.gradBias(), who + " gradBias " + this);
        }
    }

    /** Asserts that two backends' gradients agree within twice the bound (each may err on opposite sides). */
    public void assertAgree(Expected expected, Gradients first, Gradients second, String who) {
        agree(expected.gradInput(), first.gradInput(), second.gradInput(), who + " gradInput " + this);
        agree(expected.gradWeight(), first.gradWeight(), second.gradWeight(), who + " gradWeight " + this);
        if (expected.gradBias() != null) {
            agree(expected.gradBias(), first.gradBias(), second.gradBias(), who + " gradBias " + this);
        }
    }

    private static void agree(ReferenceConv2d.Result expected, float[] first, float[] second, String what) {
        Tolerance.assertAgreeWithinReductionBound(first, second, expected.magnitudes(), expected.reductionLength(),
                what);
    }

    /**
     * Strides {1, 2} × paddings {0, 1, 3} × kernels {1, 3, 5, 7, 11} × groups {1, C} on a 13×12 image (an 11×11 kernel
     * fits unpadded); channels (1, 3, 7, 16, 17), depthwise multipliers (1, 2), batch (1, 5) and bias rotate with the
     * case so that each meets many geometries. Then dilation 2, and 1×1 stride-1 unpadded at both batch sizes (the
     * Java path's column-free shortcut).
     */
    public static Stream<ConvBackwardCase> matrix() {
        int[] channelChoices = {1, 3, 7, 16, 17};
        List<ConvBackwardCase> cases = new ArrayList<>();
        int index = 0;
        for (int stride : new int[] {1, 2}) {
            for (int padding : new int[] {0, 1, 3}) {
                for (int kernel : new int[] {1, 3, 5, 7, 11}) {
                    for (boolean depthwise : new boolean[] {false, true}) {
                        int channels = channelChoices[index % channelChoices.length];
                        int outChannels = depthwise ? channels * (1 + index % 2)
                                : channelChoices[(index / 2 + 3) % channelChoices.length];
                        cases.add(of(index % 3 == 0 ? 5 : 1, channels, outChannels, 13, 12,
                                Window2d.square(kernel, stride, padding), depthwise ? channels : 1,
                                (index / 3) % 2 == 0, index));
                        index++;
                    }
                }
            }
        }
        cases.add(of(1, 3, 8, 13, 12, Window2d.square(3, 1, 2).withDilation(2, 2), 1, true, index++));
        cases.add(of(5, 7, 7, 13, 12, Window2d.square(3, 2, 1).withDilation(2, 2), 7, false, index++));
        cases.add(of(1, 17, 16, 13, 12, Window2d.square(5, 2, 3).withDilation(2, 2), 1, true, index++));
        cases.add(of(5, 16, 7, 9, 10, Window2d.square(1, 1, 0), 1, true, index++));
        cases.add(of(1, 17, 16, 9, 10, Window2d.square(1, 1, 0), 1, false, index++));
        return cases.stream();
    }

    private static ConvBackwardCase of(int batch, int channels, int outChannels, int height, int width,
                                       Window2d window, int groups, boolean bias, long seed) {
        return new ConvBackwardCase(new Conv2dSpec(Shape.of(batch, channels, height, width), outChannels, window,
                groups, bias, PostOp.NONE), 1000 + seed);
    }

    @Override
    public String toString() {
        Window2d w = spec.window();
        Shape in = spec.input();
        return "N" + in.dim(0) + " C" + in.dim(1) + "->" + spec.outChannels() + " " + in.dim(2) + "x" + in.dim(3) + " k"
                + w.kernelH() + " s" + w.strideH() + " p" + w.padH() + " d" + w.dilationH() + " g" + spec.groups()
                + (spec.bias() ? " bias" : "");
    }
}
