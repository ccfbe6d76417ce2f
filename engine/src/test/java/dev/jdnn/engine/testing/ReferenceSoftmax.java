package dev.jdnn.engine.testing;

/**
 * Softmax and log-softmax along axis 1 of an {@code (N, C, S)} array, and their gradients, in double from the
 * formulas, for checking the f32 kernels. A NaN among a position's channels makes all its outputs NaN.
 */
public final class ReferenceSoftmax {

    private ReferenceSoftmax() {
    }

    /** {@code exp(x - max) / Σ exp(x - max)} per position. */
    public static double[] softmax(float[] x, int batch, int channels, int spatial) {
        double[] y = new double[x.length];
        for (int n = 0; n < batch; n++) {
            for (int s = 0; s < spatial; s++) {
                int base = n * channels * spatial + s;
                double max = max(x, base, channels, spatial);
                double sum = 0;
                for (int c = 0; c < channels; c++) {
                    sum += Math.exp(x[base + c * spatial] - max);
                }
                for (int c = 0; c < channels; c++) {
                    y[base + c * spatial] = Math.exp(x[base + c * spatial] - max) / sum;
                }
            }
        }
        return y;
    }

    /** {@code (x - max) - log Σ exp(x - max)} per position. */
    public static double[] logSoftmax(float[] x, int batch, int channels, int spatial) {
        double[] y = new double[x.length];
        for (int n = 0; n < batch; n++) {
            for (int s = 0; s < spatial; s++) {
                int base = n * channels * spatial + s;
                double max = max(x, base, channels, spatial);
                double sum = 0;
                for (int c = 0; c < channels; c++) {
                    sum += Math.exp(x[base + c * spatial] - max);
                }
                double logSum = Math.log(sum);
                for (int c = 0; c < channels; c++) {
                    y[base + c * spatial] = (x[base + c * spatial] - max) - logSum;
                }
            }
        }
        return y;
    }

    /** {@code y * (dy - Σ dy * y)} per position, from the softmax output {@code y}. */
    public static double[] softmaxBackward(float[] y, float[] dy, int batch, int channels, int spatial) {
        double[] dx = new double[y.length];
        for (int n = 0; n < batch; n++) {
            for (int s = 0; s < spatial; s++) {
                int base = n * channels * spatial + s;
                double dot = 0;
                for (int c = 0; c < channels; c++) {
                    dot += (double) dy[base + c * spatial] * y[base + c * spatial];
                }
                for (int c = 0; c < channels; c++) {
                    int i = base + c * spatial;
                    dx[i] = y[i] * (dy[i] - dot);
                }
            }
        }
        return dx;
    }

    /** {@code dy - exp(y) * Σ dy} per position, from the log-softmax output {@code y}. */
    public static double[] logSoftmaxBackward(float[] y, float[] dy, int batch, int channels, int spatial) {
        double[] dx = new double[y.length];
        for (int n = 0; n < batch; n++) {
            for (int s = 0; s < spatial; s++) {
                int base = n * channels * spatial + s;
                double sum = 0;
                for (int c = 0; c < channels; c++) {
                    sum += dy[base + c * spatial];
                }
                for (int c = 0; c < channels; c++) {
                    int i = base + c * spatial;
                    dx[i] = dy[i] - Math.exp(y[i]) * sum;
                }
            }
        }
        return dx;
    }

    private static double max(float[] x, int base, int channels, int spatial) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < channels; c++) {
            max = Math.max(max, x[base + c * spatial]);
        }
        return max;
    }
}
