package dev.jdnn.engine.testing;

import dev.jdnn.engine.tensor.Shape;

/**
 * PyTorch's {@code BatchNorm2d} written from the formulas, in double, with per element the magnitude that bounds an f32
 * implementation's error (see each method), so that {@link Tolerance#assertWithinReductionBound} checks it. Arrays are
 * row-major {@code (N, C, H, W)} and {@code (C)}; {@code L = N·H·W} values per channel.
 *
 * <p>Why these bounds. Normalization divides by {@code σ = sqrt(var + ε)}, so an absolute error {@code δ} of the mean
 * becomes {@code δ·|w|/σ} in the output, and a relative error {@code ρ} of the variance becomes {@code ρ/2·|x̂·w|}.
 * An f32 mean of {@code L} values is off by at most {@code e_m = γ(L+2)·mean(|x|)} (a reduction bound: with a common
 * offset the bound is relative to the offset, not to the spread, and no f32 mean can do better than its own rounding).
 * A two-pass variance, {@code Σ(x - m̃)²/L = var + δ²}, is off by at most {@code γ(L+4)·var + (1+γ)·e_m²}. The
 * remaining work (subtract, square root, divide, scale, shift) adds a handful of roundings relative to the terms.
 * Each bound below is one {@code γ(n)·magnitude} with the magnitude chosen so that {@code γ(n)} times it covers these
 * first-order terms, with a factor 2 of slack on the roundings for the second-order ones.
 */
public final class ReferenceBatchNorm {

    /** Exact values, the magnitudes bounding an f32 result's error, and the length for {@link Tolerance}. */
    public record Result(double[] values, double[] magnitudes, long reductionLength) {

        public void assertMatches(float[] actual, String what) {
            Tolerance.assertWithinReductionBound(values, magnitudes, actual, reductionLength, what);
        }

        /** Two f32 implementations each within the bound of the exact result are within twice it of each other. */
        public void assertAgree(float[] first, float[] second, String what) {
            Tolerance.assertAgreeWithinReductionBound(first, second, magnitudes, reductionLength, what);
        }

        /** The values rounded to f32. */
        public float[] toFloats() {
            float[] floats = new float[values.length];
            for (int i = 0; i < floats.length; i++) {
                floats[i] = (float) values[i];
            }
            return floats;
        }
    }

    /** The training forward: output, batch mean and biased batch variance. */
    public record Training(Result output, Result mean, Result variance) {
    }

    /** The backward: gradients of input, weight and bias. */
    public record Gradients(Result input, Result weight, Result bias) {
    }

    /** Roundings of the element-wise part of normalization (subtract, +ε, sqrt, divide, ×w, ×, +b), with slack. */
    private static final int NORMALIZE_ROUNDINGS = 8;

    private ReferenceBatchNorm() {
    }

    /**
     * {@code y = (x - runningMean[c]) / sqrt(runningVar[c] + ε) · weight[c] + bias[c]}. The statistics are given, so
     * the only error is the handful of roundings of the element-wise map, each relative to {@code |x̂·w|} or
     * {@code |y| ≤ |x̂·w| + |b|}: magnitude {@code |x̂·w| + |b|}, length {@value #NORMALIZE_ROUNDINGS} - 2.
     */
    public static Result inference(float[] x, Shape shape, float[] runningMean, float[] runningVar, float[] weight,
                                   float[] bias, double epsilon) {
        Geometry g = new Geometry(shape, x.length);
        double[] values = new double[x.length];
        double[] magnitudes = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int c = g.channel(i);
            double sigma = Math.sqrt(runningVar[c] + epsilon);
            double scaled = (x[i] - (double) runningMean[c]) / sigma * weight[c];
            values[i] = scaled + bias[c];
            magnitudes[i] = Math.abs(scaled) + Math.abs(bias[c]);
        }
        return new Result(values, magnitudes, NORMALIZE_ROUNDINGS - 2);
    }

    /** {@link #training(double[], Shape, double[], double[], double)} on f32 data. */
    public static Training training(float[] x, Shape shape, float[] weight, float[] bias, double epsilon) {
        return training(toDoubles(x), shape, toDoubles(weight), toDoubles(bias), epsilon);
    }

    /**
     * The training forward with the batch's statistics. Bounds (see the class comment, {@code A = mean(|x|)},
     * {@code n = L + 2 + NORMALIZE_ROUNDINGS}):
     * <ul>
     *   <li>mean: magnitude {@code A}, length {@code L};</li>
     *   <li>variance: magnitude {@code var + e_m²·(1 + 1/γ(L+4))}, length {@code L + 2};</li>
     *   <li>output: magnitude {@code |w|·A/σ + |x̂·w|·(2 + e_v/(2(var+ε)·γ(n))) + |b|}, length {@code n - 2}, where
     *       {@code e_v} is the variance's bound.</li>
     * </ul>
     */
    public static Training training(double[] x, Shape shape, double[] weight, double[] bias, double epsilon) {
        Geometry g = new Geometry(shape, x.length);
        double[] mean = new double[g.channels];
        double[] variance = new double[g.channels];
        double[] meanMagnitude = new double[g.channels];
        double[] varianceMagnitude = new double[g.channels];
        double[] varianceBound = new double[g.channels];
        long count = g.valuesPerChannel();
        for (int i = 0; i < x.length; i++) {
            mean[g.channel(i)] += x[i];
            meanMagnitude[g.channel(i)] += Math.abs(x[i]);
        }
        for (int c = 0; c < g.channels; c++) {
            mean[c] /= count;
            meanMagnitude[c] /= count;
        }
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - mean[g.channel(i)];
            variance[g.channel(i)] += d * d;
        }
        double gammaVariance = gamma(count + 4);
        for (int c = 0; c < g.channels; c++) {
            variance[c] /= count;
            double meanBound = Tolerance.reductionBound(count, meanMagnitude[c]);
            varianceMagnitude[c] = variance[c] + meanBound * meanBound * (1 + 1 / gammaVariance);
            varianceBound[c] = Tolerance.reductionBound(count + 2, varianceMagnitude[c]);
        }
        long outputLength = count + NORMALIZE_ROUNDINGS;
        double gammaOutput = gamma(outputLength + 2);
        double[] y = new double[x.length];
        double[] yMagnitude = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int c = g.channel(i);
            double sigma = Math.sqrt(variance[c] + epsilon);
            double scaled = (x[i] - mean[c]) / sigma * weight[c];
            y[i] = scaled + bias[c];
            double varianceTerm = varianceBound[c] / (2 * (variance[c] + epsilon) * gammaOutput);
            yMagnitude[i] = Math.abs(weight[c]) * meanMagnitude[c] / sigma + Math.abs(scaled) * (2 + varianceTerm)
                    + Math.abs(bias[c]);
        }
        return new Training(new Result(y, yMagnitude, outputLength), new Result(mean, meanMagnitude, count),
                new Result(variance, varianceMagnitude, count + 2));
    }

    /** {@link #backward(double[], Shape, double[], double[], double[], double[], double)} on f32 data. */
    public static Gradients backward(float[] x, Shape shape, float[] gradOutput, float[] mean, float[] variance,
                                     float[] weight, double epsilon) {
        return backward(toDoubles(x), shape, toDoubles(gradOutput), toDoubles(mean), toDoubles(variance),
                toDoubles(weight), epsilon);
    }

    /**
     * The training-mode backward with the given statistics ({@code x̂ = (x - mean)/σ}): {@code dBias = Σ dY},
     * {@code dWeight = Σ dY·x̂}, {@code dX = w/σ·(dY - mean(dY) - x̂·mean(dY·x̂))}. Given statistics carry no
     * error of their own; {@code x̂} costs a few roundings ({@code x - mean}, σ, the division). Bounds: dBias
     * {@code Σ|dY|}, length {@code L}; dWeight {@code Σ|dY·x̂|}, length {@code L + 4}; dX
     * {@code |w|/σ·(|dY| + mean(|dY|) + |x̂|·mean(|dY·x̂|))}, length {@code L + NORMALIZE_ROUNDINGS}.
     */
    public static Gradients backward(double[] x, Shape shape, double[] gradOutput, double[] mean, double[] variance,
                                     double[] weight, double epsilon) {
        Geometry g = new Geometry(shape, x.length);
        long count = g.valuesPerChannel();
        double[] gradBias = new double[g.channels];
        double[] gradBiasMagnitude = new double[g.channels];
        double[] gradWeight = new double[g.channels];
        double[] gradWeightMagnitude = new double[g.channels];
        double[] normalized = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int c = g.channel(i);
            normalized[i] = (x[i] - mean[c]) / Math.sqrt(variance[c] + epsilon);
            gradBias[c] += gradOutput[i];
            gradBiasMagnitude[c] += Math.abs(gradOutput[i]);
            gradWeight[c] += gradOutput[i] * normalized[i];
            gradWeightMagnitude[c] += Math.abs(gradOutput[i] * normalized[i]);
        }
        double[] gradInput = new double[x.length];
        double[] gradInputMagnitude = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int c = g.channel(i);
            double k = weight[c] / Math.sqrt(variance[c] + epsilon);
            gradInput[i] = k * (gradOutput[i] - gradBias[c] / count - normalized[i] * gradWeight[c] / count);
            gradInputMagnitude[i] = Math.abs(k) * (Math.abs(gradOutput[i]) + gradBiasMagnitude[c] / count
                    + Math.abs(normalized[i]) * gradWeightMagnitude[c] / count);
        }
        return new Gradients(new Result(gradInput, gradInputMagnitude, count + NORMALIZE_ROUNDINGS),
                new Result(gradWeight, gradWeightMagnitude, count + 4),
                new Result(gradBias, gradBiasMagnitude, count));
    }

    /** γ(n) = n·u / (1 - n·u), u the f32 unit roundoff. */
    private static double gamma(long n) {
        double nu = n * Tolerance.FLOAT_UNIT_ROUNDOFF;
        return nu / (1 - nu);
    }

    private static double[] toDoubles(float[] values) {
        double[] doubles = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            doubles[i] = values[i];
        }
        return doubles;
    }

    private record Geometry(int batch, int channels, int plane) {

        Geometry(Shape shape, int length) {
            this(shape.requireRank(4, "reference batch norm: input", "N, C, H, W").dim(0), shape.dim(1),
                    shape.dim(2) * shape.dim(3));
            if (shape.elementCount() != length) {
                throw new IllegalArgumentException("reference batch norm: " + length + " values for shape " + shape);
            }
        }

        int channel(int index) {
            return (index / plane) % channels;
        }

        long valuesPerChannel() {
            return (long) batch * plane;
        }
    }
}
