package dev.jdnn.engine.testing;

/**
 * The fully connected layer ({@code torch.nn.Linear}) from its formula, accumulated in double, with per element the
 * magnitude (sum of the absolute values of the terms) that the f32 reduction bound scales with. All arrays row-major:
 * input {@code (N, in)}, weight {@code (out, in)}, output {@code (N, out)}.
 */
public final class ReferenceLinear {

    /** Values and the magnitudes of their terms, and how many terms each sums. */
    public record Result(double[] values, double[] magnitudes, long length) {
    }

    private ReferenceLinear() {
    }

    /** {@code y[n][o] = Σᵢ x[n][i]·w[o][i] + b[o]}; {@code bias} may be null. Length in (+1 with a bias). */
    public static Result forward(int batch, int in, int out, float[] x, float[] w, float[] bias) {
        double[] values = new double[batch * out];
        double[] magnitudes = new double[batch * out];
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < out; o++) {
                double sum = bias == null ? 0 : bias[o];
                double magnitude = Math.abs(sum);
                for (int i = 0; i < in; i++) {
                    double term = (double) x[n * in + i] * w[o * in + i];
                    sum += term;
                    magnitude += Math.abs(term);
                }
                values[n * out + o] = sum;
                magnitudes[n * out + o] = magnitude;
            }
        }
        return new Result(values, magnitudes, in + (bias == null ? 0 : 1));
    }

    /** {@code dx[n][i] = Σₒ dy[n][o]·w[o][i]}; length out. */
    public static Result backwardData(int batch, int in, int out, float[] dy, float[] w) {
        double[] values = new double[batch * in];
        double[] magnitudes = new double[batch * in];
        for (int n = 0; n < batch; n++) {
            for (int i = 0; i < in; i++) {
                double sum = 0;
                double magnitude = 0;
                for (int o = 0; o < out; o++) {
                    double term = (double) dy[n * out + o] * w[o * in + i];
                    sum += term;
                    magnitude += Math.abs(term);
                }
                values[n * in + i] = sum;
                magnitudes[n * in + i] = magnitude;
            }
        }
        return new Result(values, magnitudes, out);
    }

    /** {@code dw[o][i] = Σₙ dy[n][o]·x[n][i]}; length N. */
    public static Result backwardWeights(int batch, int in, int out, float[] x, float[] dy) {
        double[] values = new double[out * in];
        double[] magnitudes = new double[out * in];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                double sum = 0;
                double magnitude = 0;
                for (int n = 0; n < batch; n++) {
                    double term = (double) dy[n * out + o] * x[n * in + i];
                    sum += term;
                    magnitude += Math.abs(term);
                }
                values[o * in + i] = sum;
                magnitudes[o * in + i] = magnitude;
            }
        }
        return new Result(values, magnitudes, batch);
    }

    /** {@code db[o] = Σₙ dy[n][o]}; length N. */
    public static Result backwardBias(int batch, int out, float[] dy) {
        double[] values = new double[out];
        double[] magnitudes = new double[out];
        for (int o = 0; o < out; o++) {
            for (int n = 0; n < batch; n++) {
                values[o] += dy[n * out + o];
                magnitudes[o] += Math.abs(dy[n * out + o]);
            }
        }
        return new Result(values, magnitudes, batch);
    }
}
