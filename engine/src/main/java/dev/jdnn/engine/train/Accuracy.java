package dev.jdnn.engine.train;

import dev.jdnn.engine.tensor.Tensor;

/**
 * Classification counts accumulated over batches: top-1 and top-5 hits and the confusion matrix (rows: true class,
 * columns: predicted class), from logits {@code (N, K)} and labels. Ties in the logits rank the lower class first, as
 * {@code torch.topk} on CPU does for equal values.
 */
public final class Accuracy {

    private final int classes;
    private final long[][] confusion; // (true class, predicted class)
    private long samples;
    private long top1;
    private long top5;

    public Accuracy(int classes) {
        if (classes <= 0) {
            throw new IllegalArgumentException("accuracy: the number of classes must be positive, got " + classes);
        }
        this.classes = classes;
        this.confusion = new long[classes][classes];
    }

    /** Adds a batch: {@code logits (N, classes)}, labels in {@code [0, classes)}. */
    public void add(Tensor logits, int[] labels) {
        logits.shape().requireRank(2, "accuracy: logits", "N, classes");
        if (logits.dim(1) != classes) {
            throw new IllegalArgumentException("accuracy: logits have " + logits.dim(1) + " classes, expected "
                    + classes);
        }
        int n = logits.dim(0);
        if (labels.length != n) {
            throw new IllegalArgumentException("accuracy: " + n + " rows of logits but " + labels.length + " labels");
        }
        float[] values = logits.toFloatArray();
        for (int row = 0; row < n; row++) {
            int label = labels[row];
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("accuracy: label " + label + " of row " + row + " is outside [0, "
                        + classes + ")");
            }
            int base = row * classes;
            int predicted = 0;
            int better = 0; // classes ranked above the true one
            float truth = values[base + label];
            for (int c = 0; c < classes; c++) {
                float v = values[base + c];
                if (v > values[base + predicted]) {
                    predicted = c;
                }
                if (v > truth || (v == truth && c < label)) {
                    better++;
                }
            }
            confusion[label][predicted]++;
            samples++;
            if (better == 0) {
                top1++;
            }
            if (better < 5) {
                top5++;
            }
        }
    }

    public long samples() {
        return samples;
    }

    /** Top-1 accuracy in [0, 1] (0 before any sample). */
    public double top1() {
        return samples == 0 ? 0 : (double) top1 / samples;
    }

    /** Top-5 accuracy in [0, 1] (1 when there are at most 5 classes). */
    public double top5() {
        return samples == 0 ? 0 : (double) top5 / samples;
    }

    /** A copy of the confusion matrix, {@code [true][predicted]}. */
    public long[][] confusion() {
        long[][] copy = new long[classes][];
        for (int c = 0; c < classes; c++) {
            copy[c] = confusion[c].clone();
        }
        return copy;
    }

    /** Per-class accuracy (recall): correct / samples of that class; NaN for a class with no samples. */
    public double[] perClass() {
        double[] result = new double[classes];
        for (int c = 0; c < classes; c++) {
            long total = 0;
            for (long v : confusion[c]) {
                total += v;
            }
            result[c] = total == 0 ? Double.NaN : (double) confusion[c][c] / total;
        }
        return result;
    }
}
