package dev.jdnn.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import org.junit.jupiter.api.Test;

/** Softmax cross-entropy against the formula in double, and its gradient: softmax − target. */
class CrossEntropyTest {

    /** The loss of one row written out: −Σ target·log softmax, with log softmax in double from the definition. */
    private static double reference(float[] logits, int k, int[] labels, double smoothing) {
        int n = labels.length;
        double total = 0;
        for (int row = 0; row < n; row++) {
            double sumExp = 0;
            for (int j = 0; j < k; j++) {
                sumExp += Math.exp(logits[row * k + j]);
            }
            for (int j = 0; j < k; j++) {
                double target = smoothing / k + (j == labels[row] ? 1 - smoothing : 0);
                total -= target * (logits[row * k + j] - Math.log(sumExp));
            }
        }
        return total / n;
    }

    @Test
    void lossAndGradientFollowTheFormula() {
        for (int[] nk : new int[][] {{1, 1}, {1, 10}, {3, 5}, {7, 17}, {16, 1000}}) {
            int n = nk[0];
            int k = nk[1];
            float[] logits = RandomData.uniform(n * 31L + k, n * k, -4f, 4f);
            int[] labels = new int[n];
            for (int row = 0; row < n; row++) {
                labels[row] = (row * 7 + 3) % k;
            }
            for (double smoothing : new double[] {0, 0.1, 1}) {
                try (Tensor x = Tensor.of(logits, n, k); Tensor g = Tensor.allocate(n, k)) {
                    double loss = CrossEntropy.forward(x, labels, smoothing);
                    double expected = reference(logits, k, labels, smoothing);
                    // Both in double from the same floats: they differ only by double rounding over k terms.
                    assertEquals(expected, loss, 1e-12 * k * (1 + Math.abs(expected)), n + "x" + k + " ε=" + smoothing);
                    CrossEntropy.backward(x, labels, smoothing, 2f, g);
                    float[] grad = g.toFloatArray();
                    for (int row = 0; row < n; row++) {
                        double sumExp = 0;
                        for (int j = 0; j < k; j++) {
                            sumExp += Math.exp(logits[row * k + j]);
                        }
                        double rowSum = 0;
                        for (int j = 0; j < k; j++) {
                            double softmax = Math.exp(logits[row * k + j]) / sumExp;
                            double target = smoothing / k + (j == labels[row] ? 1 - smoothing : 0);
                            double want = 2.0 / n * (softmax - target);
                            // One float rounding of a double value: half an ulp, plus the double error of softmax.
                            assertEquals(want, grad[row * k + j], Math.ulp((float) want) + 1e-12);
                            rowSum += grad[row * k + j];
                        }
                        assertTrue(Math.abs(rowSum) <= k * 1e-7, "each gradient row sums to 0, got " + rowSum);
                    }
                }
            }
        }
    }

    @Test
    void extremeLogitsStayFinite() {
        try (Tensor x = Tensor.of(new float[] {1e4f, -1e4f, 0f, -1e4f, 1e4f, 1e4f}, 2, 3); Tensor g = Tensor.allocate(2, 3)) {
            double loss = CrossEntropy.forward(x, new int[] {1, 2}, 0);
            // Row 0: label 1 is 2e4 below the max: loss 2e4. Row 1: two equal maxima: log 2.
            assertEquals((2e4 + Math.log(2)) / 2, loss, 1e-9);
            CrossEntropy.backward(x, new int[] {1, 2}, 0, 1f, g);
            for (float v : g.toFloatArray()) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    @Test
    void badLabelsAndSmoothingAreRefused() {
        try (Tensor x = Tensor.allocate(2, 3)) {
            assertEquals("cross_entropy: label 3 of row 1 is outside [0, 3)", assertThrows(IllegalArgumentException.class,
                    () -> CrossEntropy.forward(x, new int[] {0, 3}, 0)).getMessage());
            assertEquals("cross_entropy: 2 rows of logits but 3 labels", assertThrows(IllegalArgumentException.class,
                    () -> CrossEntropy.forward(x, new int[] {0, 1, 2}, 0)).getMessage());
            assertEquals("cross_entropy: label smoothing must be in [0, 1], got 1.5",
                    assertThrows(IllegalArgumentException.class, () -> CrossEntropy.forward(x, new int[] {0, 1}, 1.5))
                            .getMessage());
        }
    }
}
