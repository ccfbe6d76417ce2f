package dev.jdnn.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jdnn.engine.tensor.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The reference backward against central finite differences of the reference training forward, all in double, on a
 * tiny shape: the gradients the backends are checked against are the derivatives of the forward they are checked
 * against.
 */
class ReferenceBatchNormTest {

    private static final Shape SHAPE = Shape.of(2, 3, 2, 3);
    private static final double EPSILON = 1e-3;
    /** Step of the central differences: truncation error O(h²·f''') ≈ 1e-10, cancellation ≈ 1e-16/h ≈ 1e-11. */
    private static final double STEP = 1e-5;
    /**
     * The derivatives are O(1) (inputs, weights and the loss's coefficients are O(1), σ ≈ 0.5), so both error terms
     * above are far below 1e-8; a wrong formula misses by O(1).
     */
    private static final double DERIVATIVE_TOLERANCE = 1e-8;

    @Test
    void backwardIsTheDerivativeOfTheTrainingForward() {
        SplittableRandom random = new SplittableRandom(42);
        int size = (int) SHAPE.elementCount();
        int channels = SHAPE.dim(1);
        double[] x = random.doubles(size, -1, 1).toArray();
        double[] weight = random.doubles(channels, -1.5, 1.5).toArray();
        double[] bias = random.doubles(channels, -1, 1).toArray();
        double[] coefficients = random.doubles(size, -1, 1).toArray(); // loss = Σ coefficients·y, so dY = coefficients

        ReferenceBatchNorm.Training forward = ReferenceBatchNorm.training(x, SHAPE, weight, bias, EPSILON);
        ReferenceBatchNorm.Gradients gradients = ReferenceBatchNorm.backward(x, SHAPE, coefficients,
                forward.mean().values(), forward.variance().values(), weight, EPSILON);

        for (int i = 0; i < size; i++) {
            double expected = centralDifference(x, i, () -> loss(x, weight, bias, coefficients));
            assertEquals(expected, gradients.input().values()[i], DERIVATIVE_TOLERANCE, "dX[" + i + "]");
        }
        for (int c = 0; c < channels; c++) {
            double dWeight = centralDifference(weight, c, () -> loss(x, weight, bias, coefficients));
            double dBias = centralDifference(bias, c, () -> loss(x, weight, bias, coefficients));
            assertEquals(dWeight, gradients.weight().values()[c], DERIVATIVE_TOLERANCE, "dWeight[" + c + "]");
            assertEquals(dBias, gradients.bias().values()[c], DERIVATIVE_TOLERANCE, "dBias[" + c + "]");
        }
    }

    private static double loss(double[] x, double[] weight, double[] bias, double[] coefficients) {
        double[] y = ReferenceBatchNorm.training(x, SHAPE, weight, bias, EPSILON).output().values();
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += coefficients[i] * y[i];
        }
        return sum;
    }

    /** (f(v + h) - f(v - h)) / 2h with {@code values[index]} as v, restored afterwards. */
    private static double centralDifference(double[] values, int index, java.util.function.DoubleSupplier f) {
        double saved = values[index];
        values[index] = saved + STEP;
        double plus = f.getAsDouble();
        values[index] = saved - STEP;
        double minus = f.getAsDouble();
        values[index] = saved;
        return (plus - minus) / (2 * STEP);
    }

    @Test
    void meanAndVarianceAreTheBatchsBiasedOnes() {
        double[] x = {1, 2, 3, 4, 10, 20, 30, 40}; // (2, 2, 1, 2): channel 0 = {1, 2, 10, 20}, channel 1 = {3, 4, 30, 40}
        ReferenceBatchNorm.Training t = ReferenceBatchNorm.training(x, Shape.of(2, 2, 1, 2), new double[] {1, 1},
                new double[] {0, 0}, 1e-5);
        assertEquals(8.25, t.mean().values()[0], 1e-12);
        assertEquals(19.25, t.mean().values()[1], 1e-12);
        // Σ(x - 8.25)² / 4 = (52.5625 + 39.0625 + 3.0625 + 138.0625) / 4
        assertEquals(58.1875, t.variance().values()[0], 1e-12);
    }
}
