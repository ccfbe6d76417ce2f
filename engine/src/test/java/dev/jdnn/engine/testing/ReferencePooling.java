package dev.jdnn.engine.testing;

import dev.jdnn.engine.kernel.Window2d;

/**
 * Pooling written from the definitions, tap by tap, over {@code planes} row-major (H, W) planes. Sums are exact-ish in
 * double and come with the magnitude (sum of absolute values of the terms) that {@link Tolerance} needs.
 *
 * <p>A window's taps are at {@code o * stride - pad + k * dilation}, {@code k = 0 .. kernel - 1}, per axis. Max pooling
 * (PyTorch): taps outside the input are padding and never selected; the first largest value wins, but any NaN wins
 * over numbers and a later NaN over an earlier one; a window without input taps gives {@code -infinity} and index
 * {@code -1}, and otherwise the index starts at the window's first input tap. Average pooling (PyTorch): the sum of the
 * input taps divided, with {@code countIncludePad}, by the number of taps inside the padded input
 * {@code [-pad, size + pad)}, and otherwise by the number of taps inside the input.
 */
public final class ReferencePooling {

    private ReferencePooling() {
    }

    /** Max pooling's values and argmax indices (in-plane positions). */
    public record MaxPooled(float[] values, int[] indices) {
    }

    /** Exact results and, per element, the sum of the absolute values of the terms that make it. */
    public record Sums(double[] values, double[] magnitudes) {
    }

    public static MaxPooled maxPool2d(float[] x, int planes, int height, int width, Window2d window) {
        int outputHeight = window.outputHeight(height);
        int outputWidth = window.outputWidth(width);
        float[] values = new float[planes * outputHeight * outputWidth];
        int[] indices = new int[values.length];
        int o = 0;
        for (int plane = 0; plane < planes; plane++) {
            for (int oh = 0; oh < outputHeight; oh++) {
                for (int ow = 0; ow < outputWidth; ow++, o++) {
                    float best = Float.NEGATIVE_INFINITY;
                    int bestIndex = -1;
                    for (int kh = 0; kh < window.kernelH(); kh++) {
                        int ih = oh * window.strideH() - window.padH() + kh * window.dilationH();
                        for (int kw = 0; kw < window.kernelW(); kw++) {
                            int iw = ow * window.strideW() - window.padW() + kw * window.dilationW();
                            if (ih < 0 || ih >= height || iw < 0 || iw >= width) {
                                continue; // padding: -infinity, never selected
                            }
                            float value = x[(plane * height + ih) * width + iw];
                            int position = ih * width + iw;
                            if (value > best || Float.isNaN(value)) {
                                best = value;
                                bestIndex = position;
                            } else if (bestIndex < 0) {
                                bestIndex = position; // a first tap of -infinity: the index starts there
                            }
                        }
                    }
                    values[o] = best;
                    indices[o] = bestIndex;
                }
            }
        }
        return new MaxPooled(values, indices);
    }

    /**
     * Max pooling's gradient: {@code dy} added at each index, accumulated in float in ascending output order within a
     * plane (the order the contract fixes, so the kernels must match bit for bit); index {@code -1} adds nothing.
     */
    public static float[] maxPool2dBackward(float[] dy, int[] indices, int planes, int outputPlaneSize,
                                            int inputPlaneSize) {
        float[] dx = new float[planes * inputPlaneSize];
        for (int plane = 0; plane < planes; plane++) {
            for (int o = 0; o < outputPlaneSize; o++) {
                int index = indices[plane * outputPlaneSize + o];
                if (index >= 0) {
                    dx[plane * inputPlaneSize + index] += dy[plane * outputPlaneSize + o];
                }
            }
        }
        return dx;
    }

    /** PyTorch's divisor for output {@code (oh, ow)}. */
    public static int avgPoolDivisor(int oh, int ow, int height, int width, Window2d window, boolean countIncludePad) {
        return taps(oh, window.strideH(), window.padH(), window.kernelH(), height, countIncludePad)
                * taps(ow, window.strideW(), window.padW(), window.kernelW(), width, countIncludePad);
    }

    /** The taps of window {@code o} inside {@code [-pad, size + pad)} (with padding) or {@code [0, size)}. */
    private static int taps(int o, int stride, int pad, int kernel, int size, boolean countPad) {
        int low = countPad ? -pad : 0;
        int high = countPad ? size + pad : size;
        int count = 0;
        for (int k = 0; k < kernel; k++) {
            int position = o * stride - pad + k;
            if (position >= low && position < high) {
                count++;
            }
        }
        return count;
    }

    public static Sums avgPool2d(float[] x, int planes, int height, int width, Window2d window,
                                 boolean countIncludePad) {
        int outputHeight = window.outputHeight(height);
        int outputWidth = window.outputWidth(width);
        double[] values = new double[planes * outputHeight * outputWidth];
        double[] magnitudes = new double[values.length];
        int o = 0;
        for (int plane = 0; plane < planes; plane++) {
            for (int oh = 0; oh < outputHeight; oh++) {
                for (int ow = 0; ow < outputWidth; ow++, o++) {
                    double sum = 0;
                    double magnitude = 0;
                    for (int kh = 0; kh < window.kernelH(); kh++) {
                        int ih = oh * window.strideH() - window.padH() + kh;
                        for (int kw = 0; kw < window.kernelW(); kw++) {
                            int iw = ow * window.strideW() - window.padW() + kw;
                            if (ih >= 0 && ih < height && iw >= 0 && iw < width) {
                                double value = x[(plane * height + ih) * width + iw];
                                sum += value;
                                magnitude += Math.abs(value);
                            }
                        }
                    }
                    int divisor = avgPoolDivisor(oh, ow, height, width, window, countIncludePad);
                    values[o] = sum / divisor;
                    magnitudes[o] = magnitude / divisor;
                }
            }
        }
        return new Sums(values, magnitudes);
    }

    public static Sums avgPool2dBackward(float[] dy, int planes, int height, int width, Window2d window,
                                         boolean countIncludePad) {
        int outputHeight = window.outputHeight(height);
        int outputWidth = window.outputWidth(width);
        double[] values = new double[planes * height * width];
        double[] magnitudes = new double[values.length];
        int o = 0;
        for (int plane = 0; plane < planes; plane++) {
            for (int oh = 0; oh < outputHeight; oh++) {
                for (int ow = 0; ow < outputWidth; ow++, o++) {
                    double share = (double) dy[o] / avgPoolDivisor(oh, ow, height, width, window, countIncludePad);
                    for (int kh = 0; kh < window.kernelH(); kh++) {
                        int ih = oh * window.strideH() - window.padH() + kh;
                        for (int kw = 0; kw < window.kernelW(); kw++) {
                            int iw = ow * window.strideW() - window.padW() + kw;
                            if (ih >= 0 && ih < height && iw >= 0 && iw < width) {
                                int i = (plane * height + ih) * width + iw;
                                values[i] += share;
                                magnitudes[i] += Math.abs(share);
                            }
                        }
                    }
                }
            }
        }
        return new Sums(values, magnitudes);
    }

    public static Sums globalAvgPool2d(float[] x, int planes, int planeSize) {
        double[] values = new double[planes];
        double[] magnitudes = new double[planes];
        for (int plane = 0; plane < planes; plane++) {
            double sum = 0;
            double magnitude = 0;
            for (int i = 0; i < planeSize; i++) {
                sum += x[plane * planeSize + i];
                magnitude += Math.abs(x[plane * planeSize + i]);
            }
            values[plane] = sum / planeSize;
            magnitudes[plane] = magnitude / planeSize;
        }
        return new Sums(values, magnitudes);
    }

    public static Sums globalAvgPool2dBackward(float[] dy, int planes, int planeSize) {
        double[] values = new double[planes * planeSize];
        double[] magnitudes = new double[values.length];
        for (int plane = 0; plane < planes; plane++) {
            double share = (double) dy[plane] / planeSize;
            for (int i = 0; i < planeSize; i++) {
                values[plane * planeSize + i] = share;
                magnitudes[plane * planeSize + i] = Math.abs(share);
            }
        }
        return new Sums(values, magnitudes);
    }
}
