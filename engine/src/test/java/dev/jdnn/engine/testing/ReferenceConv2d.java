package dev.jdnn.engine.testing;

import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.tensor.Shape;

/**
 * The direct 2-D convolution every conv-shaped test compares against: PyTorch's {@code conv2d} (cross-correlation with
 * zero padding, stride, dilation and groups) written from the formula, accumulated in double, with the magnitude of
 * each result (the sum of the absolute values of its terms) so that {@link Tolerance#assertWithinReductionBound} can
 * bound an f32 implementation's error. Also the two backward passes, the same way.
 *
 * <p>Arrays are row-major: input {@code (N, C, H, W)}, weight {@code (OC, C/groups, KH, KW)}, bias {@code (OC)},
 * output {@code (N, OC, OH, OW)}.
 */
public final class ReferenceConv2d {

    /**
     * Exact results in double, per element the sum of the absolute values of the terms that made it, and the most
     * terms any element has (the reduction length for {@link Tolerance#reductionBound}).
     */
    public record Result(Shape shape, double[] values, double[] magnitudes, long reductionLength) {

        /** Asserts that {@code actual} (an f32 implementation's result) is within the f32 reduction bound. */
        public void assertMatches(float[] actual, String what) {
            Tolerance.assertWithinReductionBound(values, magnitudes, actual, reductionLength, what);
        }
    }

    private ReferenceConv2d() {
    }

    /** {@code (N, OC, OH, OW)} for the given input and weight shapes. */
    public static Shape outputShape(Shape inputShape, Shape weightShape, Window2d window, int groups) {
        Geometry g = new Geometry(inputShape, weightShape, window, groups);
        return Shape.of(g.batch, g.outChannels, g.outHeight, g.outWidth);
    }

    /**
     * {@code output[n, oc, oh, ow] = bias[oc] + sum over (c, kh, kw) of input[n, g*C/groups + c, ih, iw] *
     * weight[oc, c, kh, kw]} with {@code g = oc / (OC/groups)}, {@code ih = oh*strideH - padH + kh*dilationH},
     * {@code iw = ow*strideW - padW + kw*dilationW}, and input 0 outside the image. Reduction length
     * {@code C/groups * KH * KW}, plus 1 with a bias.
     *
     * @param bias {@code (OC)}, or {@code null} for none
     */
    public static Result forward(float[] input, Shape inputShape, float[] weight, Shape weightShape, float[] bias,
                                 Window2d window, int groups) {
        Geometry g = new Geometry(inputShape, weightShape, window, groups);
        checkLength(input, inputShape.elementCount(), "input");
        checkLength(weight, weightShape.elementCount(), "weight");
        if (bias != null) {
            checkLength(bias, g.outChannels, "bias");
        }
        Shape outputShape = Shape.of(g.batch, g.outChannels, g.outHeight, g.outWidth);
        double[] values = new double[(int) outputShape.elementCount()];
        double[] magnitudes = new double[values.length];
        if (bias != null) {
            int plane = g.outHeight * g.outWidth;
            for (int i = 0; i < values.length; i++) {
                values[i] = bias[(i / plane) % g.outChannels];
                magnitudes[i] = Math.abs(values[i]);
            }
        }
        g.forEachTerm((n, oc, oh, ow, c, kh, kw, inputIndex) -> {
            double term = (double) input[inputIndex] * weight[g.weightIndex(oc, c, kh, kw)];
            int outputIndex = g.outputIndex(n, oc, oh, ow);
            values[outputIndex] += term;
            magnitudes[outputIndex] += Math.abs(term);
        });
        long length = (long) g.groupChannels * g.kernelH * g.kernelW + (bias == null ? 0 : 1);
        return new Result(outputShape, values, magnitudes, length);
    }

    /**
     * The gradient of {@link #forward} with respect to its input: {@code gradInput[n, c, ih, iw]} is the sum of
     * {@code gradOutput[n, oc, oh, ow] * weight[oc, c - g*C/groups, kh, kw]} over every output position and kernel tap
     * that read {@code (ih, iw)}. Reduction length {@code OC/groups * KH * KW} (a bound; most elements have fewer).
     *
     * @param gradOutput {@code (N, OC, OH, OW)}
     */
    public static Result backwardData(float[] gradOutput, float[] weight, Shape weightShape, Shape inputShape,
                                      Window2d window, int groups) {
        Geometry g = new Geometry(inputShape, weightShape, window, groups);
        checkLength(gradOutput, (long) g.batch * g.outChannels * g.outHeight * g.outWidth, "gradOutput");
        checkLength(weight, weightShape.elementCount(), "weight");
        double[] values = new double[(int) inputShape.elementCount()];
        double[] magnitudes = new double[values.length];
        g.forEachTerm((n, oc, oh, ow, c, kh, kw, inputIndex) -> {
            double term = (double) gradOutput[g.outputIndex(n, oc, oh, ow)] * weight[g.weightIndex(oc, c, kh, kw)];
            values[inputIndex] += term;
            magnitudes[inputIndex] += Math.abs(term);
        });
        long length = (long) g.outGroupChannels * g.kernelH * g.kernelW;
        return new Result(inputShape, values, magnitudes, length);
    }

    /**
     * The gradient of {@link #forward} with respect to its weight: {@code gradWeight[oc, c, kh, kw]} is the sum over
     * {@code (n, oh, ow)} of {@code gradOutput[n, oc, oh, ow] * input[n, g*C/groups + c, ih, iw]} (0 in the padding).
     * Reduction length {@code N * OH * OW}.
     *
     * @param gradOutput {@code (N, OC, OH, OW)}
     */
    public static Result backwardWeights(float[] input, Shape inputShape, float[] gradOutput, Shape weightShape,
                                         Window2d window, int groups) {
        Geometry g = new Geometry(inputShape, weightShape, window, groups);
        checkLength(input, inputShape.elementCount(), "input");
        checkLength(gradOutput, (long) g.batch * g.outChannels * g.outHeight * g.outWidth, "gradOutput");
        double[] values = new double[(int) weightShape.elementCount()];
        double[] magnitudes = new double[values.length];
        g.forEachTerm((n, oc, oh, ow, c, kh, kw, inputIndex) -> {
            double term = (double) gradOutput[g.outputIndex(n, oc, oh, ow)] * input[inputIndex];
            int weightIndex = g.weightIndex(oc, c, kh, kw);
            values[weightIndex] += term;
            magnitudes[weightIndex] += Math.abs(term);
        });
        long length = (long) g.batch * g.outHeight * g.outWidth;
        return new Result(weightShape, values, magnitudes, length);
    }

    /**
     * The gradient of {@link #forward} with respect to its bias: {@code gradBias[oc]} is the sum of
     * {@code gradOutput[n, oc, oh, ow]} over {@code (n, oh, ow)}. Reduction length {@code N * OH * OW}.
     *
     * @param gradOutputShape {@code (N, OC, OH, OW)}
     */
    public static Result backwardBias(float[] gradOutput, Shape gradOutputShape) {
        gradOutputShape.requireRank(4, "ReferenceConv2d: gradOutput", "N, OC, OH, OW");
        checkLength(gradOutput, gradOutputShape.elementCount(), "gradOutput");
        int batch = gradOutputShape.dim(0);
        int outChannels = gradOutputShape.dim(1);
        int plane = gradOutputShape.dim(2) * gradOutputShape.dim(3);
        double[] values = new double[outChannels];
        double[] magnitudes = new double[outChannels];
        for (int n = 0; n < batch; n++) {
            for (int oc = 0; oc < outChannels; oc++) {
                for (int p = 0, base = (n * outChannels + oc) * plane; p < plane; p++) {
                    values[oc] += gradOutput[base + p];
                    magnitudes[oc] += Math.abs((double) gradOutput[base + p]);
                }
            }
        }
        return new Result(Shape.of(outChannels), values, magnitudes, (long) batch * plane);
    }

    private static void checkLength(float[] values, long expected, String what) {
        if (values.length != expected) {
            throw new IllegalArgumentException(
                    "ReferenceConv2d: " + what + " must have " + expected + " elements, got " + values.length);
        }
    }

    /** One term of the convolution: output position, weight tap, and the (inside) input element it reads. */
    @FunctionalInterface
    private interface TermVisitor {
        void visit(int n, int oc, int oh, int ow, int c, int kh, int kw, int inputIndex);
    }

    /** Checked sizes and index arithmetic shared by the three passes. */
    private static final class Geometry {
        final Window2d window;
        final int batch;
        final int channels;
        final int height;
        final int width;
        final int outChannels;
        final int groupChannels;
        final int outGroupChannels;
        final int kernelH;
        final int kernelW;
        final int outHeight;
        final int outWidth;

        Geometry(Shape inputShape, Shape weightShape, Window2d window, int groups) {
            inputShape.requireRank(4, "ReferenceConv2d: input", "N, C, H, W");
            weightShape.requireRank(4, "ReferenceConv2d: weight", "OC, C/groups, KH, KW");
            if (window.ceilMode()) {
                throw new IllegalArgumentException("ReferenceConv2d: window must not use ceil mode, got " + window);
            }
            this.window = window;
            batch = inputShape.dim(0);
            channels = inputShape.dim(1);
            height = inputShape.dim(2);
            width = inputShape.dim(3);
            outChannels = weightShape.dim(0);
            kernelH = window.kernelH();
            kernelW = window.kernelW();
            if (groups <= 0 || channels % groups != 0 || outChannels % groups != 0) {
                throw new IllegalArgumentException("ReferenceConv2d: groups (" + groups + ") must divide C = "
                        + channels + " and OC = " + outChannels);
            }
            groupChannels = channels / groups;
            outGroupChannels = outChannels / groups;
            Shape expectedWeight = Shape.of(outChannels, groupChannels, kernelH, kernelW);
            weightShape.requireEqual(expectedWeight, "ReferenceConv2d: weight (OC, C/groups, KH, KW)");
            outHeight = window.outputHeight(height);
            outWidth = window.outputWidth(width);
        }

        int inputRow(int oh, int kh) {
            return oh * window.strideH() - window.padH() + kh * window.dilationH();
        }

        int inputColumn(int ow, int kw) {
            return ow * window.strideW() - window.padW() + kw * window.dilationW();
        }

        int inputIndex(int n, int c, int ih, int iw) {
            return ((n * channels + c) * height + ih) * width + iw;
        }

        int weightIndex(int oc, int c, int kh, int kw) {
            return ((oc * groupChannels + c) * kernelH + kh) * kernelW + kw;
        }

        int outputIndex(int n, int oc, int oh, int ow) {
            return ((n * outChannels + oc) * outHeight + oh) * outWidth + ow;
        }

        /** Visits every term whose input element is inside the image ({@code c} counted inside the group). */
        void forEachTerm(TermVisitor visitor) {
            for (int n = 0; n < batch; n++) {
                for (int oc = 0; oc < outChannels; oc++) {
                    int firstChannel = (oc / outGroupChannels) * groupChannels;
                    for (int oh = 0; oh < outHeight; oh++) {
                        for (int ow = 0; ow < outWidth; ow++) {
                            for (int c = 0; c < groupChannels; c++) {
                                for (int kh = 0; kh < kernelH; kh++) {
                                    int ih = inputRow(oh, kh);
                                    if (ih < 0 || ih >= height) {
                                        continue;
                                    }
                                    for (int kw = 0; kw < kernelW; kw++) {
                                        int iw = inputColumn(ow, kw);
                                        if (iw >= 0 && iw < width) {
                                            visitor.visit(n, oc, oh, ow, c, kh, kw,
                                                    inputIndex(n, firstChannel + c, ih, iw));
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
