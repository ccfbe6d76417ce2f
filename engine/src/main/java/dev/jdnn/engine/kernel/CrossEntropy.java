package dev.jdnn.engine.kernel;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * Softmax cross-entropy for classification, PyTorch's {@code cross_entropy(logits, labels, label_smoothing=ε)} with
 * mean reduction: for each row, {@code loss = logsumexp(x) − ((1 − ε)·x[label] + ε/K·Σ x)}, averaged over the rows.
 * The target distribution is {@code (1 − ε)·onehot + ε/K}, so the gradient is {@code (softmax(x) − target) / N}.
 * Rows are small (K classes), so this is plain code in double: the log-sum-exp subtracts the row's maximum and is exact
 * to double rounding for any finite logits.
 */
public final class CrossEntropy {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    private CrossEntropy() {
    }

    /**
     * The mean loss over the batch.
     *
     * @param logits    (N, K)
     * @param labels    N class indices in {@code [0, K)}
     * @param smoothing ε in {@code [0, 1]}
     */
    public static double forward(Tensor logits, int[] labels, double smoothing) {
        int[] nk = check(logits, labels, smoothing);
        int n = nk[0];
        int k = nk[1];
        MemorySegment x = logits.segment("cross_entropy: logits");
        double total = 0;
        for (int row = 0; row < n; row++) {
            long base = (long) row * k;
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (int j = 0; j < k; j++) {
                double v = x.getAtIndex(F32, base + j);
                max = Math.max(max, v);
                sum += v;
            }
            double exp = 0;
            for (int j = 0; j < k; j++) {
                exp += Math.exp(x.getAtIndex(F32, base + j) - max);
            }
            double logSumExp = max + Math.log(exp);
            double target = (1 - smoothing) * x.getAtIndex(F32, base + labels[row]) + smoothing / k * sum;
            total += logSumExp - target;
        }
        return total / n;
    }

    /** {@code gradLogits = scale · (softmax(logits) − target) / N}, overwriting {@code gradLogits} (N, K). */
    public static void backward(Tensor logits, int[] labels, double smoothing, float scale, Tensor gradLogits) {
        int[] nk = check(logits, labels, smoothing);
        int n = nk[0];
        int k = nk[1];
        gradLogits.shape().requireEqual(logits.shape(), "cross_entropy: gradient of the logits");
        MemorySegment x = logits.segment("cross_entropy: logits");
        MemorySegment g = gradLogits.segment("cross_entropy: gradient of the logits");
        double factor = (double) scale / n;
        for (int row = 0; row < n; row++) {
            long base = (long) row * k;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, x.getAtIndex(F32, base + j));
            }
            double exp = 0;
            for (int j = 0; j < k; j++) {
                exp += Math.exp(x.getAtIndex(F32, base + j) - max);
            }
            for (int j = 0; j < k; j++) {
                double softmax = Math.exp(x.getAtIndex(F32, base + j) - max) / exp;
                double target = smoothing / k + (j == labels[row] ? 1 - smoothing : 0);
                g.setAtIndex(F32, base + j, (float) (factor * (softmax - target)));
            }
        }
    }

    private static int[] check(Tensor logits, int[] labels, double smoothing) {
        Objects.requireNonNull(logits, "cross_entropy: logits");
        Objects.requireNonNull(labels, "cross_entropy: labels");
        logits.shape().requireRank(2, "cross_entropy: logits", "N, classes");
        logits.requireDType(DType.F32, "cross_entropy: logits");
        int n = logits.dim(0);
        int k = logits.dim(1);
        if (labels.length != n) {
            throw new IllegalArgumentException("cross_entropy: " + n + " rows of logits but " + labels.length
                    + " labels");
        }
        for (int row = 0; row < n; row++) {
            if (labels[row] < 0 || labels[row] >= k) {
                throw new IllegalArgumentException("cross_entropy: label " + labels[row] + " of row " + row
                        + " is outside [0, " + k + ")");
            }
        }
        if (!(smoothing >= 0 && smoothing <= 1)) {
            throw new IllegalArgumentException("cross_entropy: label smoothing must be in [0, 1], got " + smoothing);
        }
        return new int[] {n, k};
    }
}
