package dev.jdnn.engine.testing;

/**
 * Local response normalization across channels written from PyTorch's definition, in double, over
 * {@code (N, C, H, W)} row-major data: {@code b_c = a_c · s_c^-beta}, {@code s_c = k + alpha/size · Σ a_c'²} for
 * {@code c' ∈ [c - size/2, c + (size-1)/2] ∩ [0, C)}; and its gradient
 * {@code dA_c = dB_c · s_c^-beta − 2·alpha·beta/size · a_c · Σ_{j : c ∈ window(j)} dB_j · b_j / s_j}.
 */
public final class ReferenceLrn {

    private ReferenceLrn() {
    }

    /** The exact gradient and, per element, the sum of the absolute values of its terms (for {@link Tolerance}). */
    public record Gradient(double[] values, double[] magnitudes) {
    }

    /** {@code s} for every element. */
    public static double[] base(double[] a, int n, int c, int planeSize, int size, double alpha, double k) {
        double[] s = new double[a.length];
        for (int image = 0; image < n; image++) {
            for (int channel = 0; channel < c; channel++) {
                int first = Math.max(0, channel - size / 2);
                int last = Math.min(c - 1, channel + (size - 1) / 2);
                for (int p = 0; p < planeSize; p++) {
                    double sum = 0;
                    for (int j = first; j <= last; j++) {
                        double v = a[(image * c + j) * planeSize + p];
                        sum += v * v;
                    }
                    s[(image * c + channel) * planeSize + p] = k + alpha / size * sum;
                }
            }
        }
        return s;
    }

    public static double[] forward(double[] a, int n, int c, int planeSize, int size, double alpha, double beta,
                                   double k) {
        double[] s = base(a, n, c, planeSize, size, alpha, k);
        double[] b = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i] * Math.pow(s[i], -beta);
        }
        return b;
    }

    public static double[] forward(float[] a, int n, int c, int planeSize, int size, double alpha, double beta,
                                   double k) {
        return forward(toDouble(a), n, c, planeSize, size, alpha, beta, k);
    }

    public static Gradient backward(double[] a, double[] dB, int n, int c, int planeSize, int size, double alpha,
                                    double beta, double k) {
        double[] s = base(a, n, c, planeSize, size, alpha, k);
        double[] values = new double[a.length];
        double[] magnitudes = new double[a.length];
        double factor = 2 * alpha * beta / size;
        for (int image = 0; image < n; image++) {
            for (int channel = 0; channel < c; channel++) {
                for (int p = 0; p < planeSize; p++) {
                    int i = (image * c + channel) * planeSize + p;
                    double direct = dB[i] * Math.pow(s[i], -beta);
                    double sum = 0;
                    double magnitude = 0;
                    // channel is in window(j) = [j - size/2, j + (size-1)/2]
                    // for j in [channel - (size-1)/2, channel + size/2].
                    for (int j = Math.max(0, channel - (size - 1) / 2); j <= Math.min(c - 1, channel + size / 2); j++) {
                        int q = (image * c + j) * planeSize + p;
                        double term = factor * a[i] * dB[q] * a[q] * Math.pow(s[q], -beta) / s[q];
                        sum += term;
                        magnitude += Math.abs(term);
                    }
                    values[i] = direct - sum;
                    magnitudes[i] = Math.abs(direct) + magnitude;
                }
            }
        }
        return new Gradient(values, magnitudes);
    }

    public static Gradient backward(float[] a, float[] dB, int n, int c, int planeSize, int size, double alpha,
                                    double beta, double k) {
        return backward(toDouble(a), toDouble(dB), n, c, planeSize, size, alpha, beta, k);
    }

    public static double[] toDouble(float[] values) {
        double[] copy = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            copy[i] = values[i];
        }
        return copy;
    }
}
