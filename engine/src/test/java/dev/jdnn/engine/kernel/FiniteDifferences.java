package dev.jdnn.engine.kernel;

import static org.junit.jupiter.api.Assertions.fail;

import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.Tolerance;

/**
 * Central finite differences of {@code L = Σ_k w_k · y_k} with fixed weights {@code w}, where {@code y = f(x)} is an
 * f32 forward kernel, checked against the f32 gradient a backward kernel computed.
 *
 * <p>Why the bound is exact rather than a guess: every op checked here is linear in each input coordinate when the
 * others are fixed (pooling, shuffle, a fixed dropout mask, and {@code x·s} in either factor), so a central difference
 * has no truncation error at all, whatever the step. What remains is rounding: each {@code L(x ± h·e_i)} is evaluated
 * from an f32 {@code y} whose elements are off by at most {@code forwardBound(x ± h·e_i)[k]}, and summed in double
 * (relative error below {@code (K + 1)·2⁻⁵³}). The step actually taken is the difference of the two rounded f32
 * inputs {@code Δ = x_i⁺ − x_i⁻} (computed exactly in double), so
 * {@code |FD − ∂L/∂x_i| ≤ Σ_k |w_k|·(b⁺_k + b⁻_k) / Δ + 2(K + 1)·2⁻⁵³·Σ_k |w_k y_k| / Δ}; the kernel's gradient may in
 * turn be off the exact one by {@code gradientBound[i]}, a {@link Tolerance} reduction bound.
 */
final class FiniteDifferences {

    /** The step: a power of two, large, since linearity makes the step size free of truncation error. */
    static final float STEP = 0.25f;

    /** The f32 forward op as a function of one of its inputs. */
    @FunctionalInterface
    interface Forward {
        float[] apply(float[] input);
    }

    /** A bound on {@code |y_k(f32) − y_k(exact)|} for every output k, at a given input. */
    @FunctionalInterface
    interface ForwardBound {
        double[] apply(float[] input);
    }

    private FiniteDifferences() {
    }

    /** Fixed random weights in [-1, 1) for {@code L = Σ w·y}. */
    static double[] weights(long seed, int count) {
        float[] w = RandomData.uniform(seed, count);
        double[] weights = new double[count];
        for (int k = 0; k < count; k++) {
            weights[k] = w[k];
        }
        return weights;
    }

    /** The weights as f32, the {@code dy} a backward kernel sees for {@code L = Σ w·y}. */
    static float[] asFloats(double[] weights) {
        float[] dy = new float[weights.length];
        for (int k = 0; k < weights.length; k++) {
            dy[k] = (float) weights[k]; // exact: the weights came from floats
        }
        return dy;
    }

    /**
     * Asserts {@code |gradient[i] − FD_i| ≤ gradientBound[i] + rounding bound / Δ} (see the class comment) for every
     * input coordinate i.
     */
    static void check(float[] x, Forward forward, ForwardBound forwardBound, double[] w, float[] gradient,
                      double[] gradientBound, String what) {
        for (int i = 0; i < x.length; i++) {
            float[] plus = x.clone();
            float[] minus = x.clone();
            plus[i] = x[i] + STEP;
            minus[i] = x[i] - STEP;
            double step = (double) plus[i] - minus[i];
            float[] yPlus = forward.apply(plus);
            float[] yMinus = forward.apply(minus);
            double[] boundPlus = forwardBound.apply(plus);
            double[] boundMinus = forwardBound.apply(minus);
            double lossPlus = 0;
            double lossMinus = 0;
            double roundingNoise = 0;
            double lossMagnitude = 0;
            for (int k = 0; k < w.length; k++) {
                lossPlus += w[k] * yPlus[k];
                lossMinus += w[k] * yMinus[k];
                roundingNoise += Math.abs(w[k]) * (boundPlus[k] + boundMinus[k]);
                lossMagnitude += Math.abs(w[k] * yPlus[k]) + Math.abs(w[k] * yMinus[k]);
            }
            double difference = (lossPlus - lossMinus) / step;
            double bound = gradientBound[i]
                    + (roundingNoise + (w.length + 1) * 0x1p-53 * lossMagnitude) / step;
            if (!(Math.abs(gradient[i] - difference) <= bound)) {
                fail(what + ": gradient " + i + " is " + gradient[i] + ", central difference " + difference
                        + ", |error| " + Math.abs(gradient[i] - difference) + " > bound " + bound);
            }
        }
    }
}
