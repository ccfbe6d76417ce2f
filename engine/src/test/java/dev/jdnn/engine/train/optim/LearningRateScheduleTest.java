package dev.jdnn.engine.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.nn.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The schedules against values worked out by hand from PyTorch's closed forms (epoch e = the rate after e calls of
 * {@code scheduler.step()}). Each is a double expression of a few operations, so 4 ulp of the value covers it.
 */
class LearningRateScheduleTest {

    private static void assertRate(double expected, double actual, String what) {
        assertEquals(expected, actual, 4 * Math.ulp(expected), what);
    }

    @Test
    void constantKeepsTheBaseRate() {
        assertRate(0.1, new Constant().learningRate(0.1, 0), "epoch 0");
        assertRate(0.1, new Constant().learningRate(0.1, 1000, 7, 10), "epoch 1000");
    }

    @Test
    void stepLRDecaysEveryStepSizeEpochs() {
        StepLR schedule = new StepLR(30, 0.1); // base 0.1: 0.1 for epochs 0..29, 0.01 for 30..59, 0.001 from 60
        assertRate(0.1, schedule.learningRate(0.1, 0), "epoch 0");
        assertRate(0.1, schedule.learningRate(0.1, 29), "epoch 29");
        assertRate(0.1 * 0.1, schedule.learningRate(0.1, 30), "epoch 30");
        assertRate(0.1 * 0.1, schedule.learningRate(0.1, 59), "epoch 59");
        assertRate(0.1 * 0.1 * 0.1, schedule.learningRate(0.1, 60), "epoch 60");
    }

    @Test
    void multiStepLRDecaysAtEachMilestone() {
        MultiStepLR schedule = new MultiStepLR(new int[] {30, 80}, 0.1); // base 0.05: 0.05, 0.005 from 30, 0.0005 from 80
        assertRate(0.05, schedule.learningRate(0.05, 29), "epoch 29");
        assertRate(0.05 * 0.1, schedule.learningRate(0.05, 30), "epoch 30");
        assertRate(0.05 * 0.1, schedule.learningRate(0.05, 79), "epoch 79");
        assertRate(0.05 * 0.01, schedule.learningRate(0.05, 80), "epoch 80");
        assertRate(0.05 * 0.01, schedule.learningRate(0.05, 500), "epoch 500");
    }

    @Test
    void cosineAnnealingFollowsTheClosedForm() {
        CosineAnnealingLR schedule = new CosineAnnealingLR(10, 0.001); // base 0.1
        assertRate(0.1, schedule.learningRate(0.1, 0), "epoch 0: the base rate");
        // epoch 2: 0.001 + 0.099·(1 + cos(0.2π))/2, cos(36°) = 0.8090169943749474 → 0.0905463412…
        assertRate(0.001 + 0.099 * (1 + 0.8090169943749474) / 2, schedule.learningRate(0.1, 2), "epoch 2");
        assertEquals(0.0905463412, schedule.learningRate(0.1, 2), 1e-10, "epoch 2 by hand");
        // epoch 5: cos(π/2) = 0, halfway: 0.001 + 0.0495 = 0.0505
        assertRate(0.0505, schedule.learningRate(0.1, 5), "epoch 5");
        assertRate(0.001, schedule.learningRate(0.1, 10), "epoch 10: etaMin");
    }

    @Test
    void warmupByEpochsThenTheMainScheduleFromItsEpochZero() {
        // SequentialLR([LinearLR(start_factor=0.1, total_iters=5), StepLR(10, 0.5)], milestones=[5]), base 0.2
        LinearWarmup schedule = LinearWarmup.epochs(5, 0.1, new StepLR(10, 0.5));
        assertRate(0.2 * 0.1, schedule.learningRate(0.2, 0), "epoch 0: 0.02");
        assertRate(0.2 * 0.28, schedule.learningRate(0.2, 1), "epoch 1: 0.2·(0.1 + 0.9/5) = 0.056");
        assertRate(0.2 * 0.82, schedule.learningRate(0.2, 4), "epoch 4: 0.2·(0.1 + 0.9·4/5) = 0.164");
        assertRate(0.2, schedule.learningRate(0.2, 5), "epoch 5: StepLR's epoch 0");
        assertRate(0.2, schedule.learningRate(0.2, 14), "epoch 14: StepLR's epoch 9");
        assertRate(0.1, schedule.learningRate(0.2, 15), "epoch 15: StepLR's epoch 10");
    }

    @Test
    void warmupByIterationsThenTheUnshiftedMainSchedule() {
        LinearWarmup schedule = LinearWarmup.iterations(100, 0.01, new CosineAnnealingLR(4, 0));
        assertRate(0.01, schedule.learningRate(1, 0, 0, 40), "iteration 0: 0.01");
        assertRate(0.505, schedule.learningRate(1, 1, 10, 40), "iteration 50: 0.01 + 0.99·50/100");
        // iteration 100 = epoch 2, iteration 20: cosine's epoch 2 of 4: (1 + cos(π/2))/2 = 0.5
        assertRate(0.5, schedule.learningRate(1, 2, 20, 40), "after the warm-up");
    }

    @Test
    void applySetsTheOptimizersRate() {
        try (Parameter p = Quadratic.parameter("p", new float[] {1}); Sgd sgd = new Sgd(List.of(p), 0.1)) {
            new StepLR(2, 0.5).apply(sgd, 0.1, 4, 0, 1);
            assertRate(0.025, sgd.learningRate(), "0.1·0.5²");
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertMessage("StepLR: stepSize must be >= 1, got 0", () -> new StepLR(0, 0.1));
        assertMessage("MultiStepLR: milestones must be strictly increasing", () -> new MultiStepLR(new int[] {5, 5},
                0.1));
        assertMessage("CosineAnnealingLR: tMax must be >= 1, got 0", () -> new CosineAnnealingLR(0, 0));
        assertMessage("CosineAnnealingLR: etaMin must be finite and >= 0, got -1.0",
                () -> new CosineAnnealingLR(10, -1));
        assertMessage("Starting multiplicative factor expected to be greater than 0 and less or equal to 1, got 0.0",
                () -> LinearWarmup.epochs(5, 0, new Constant()));
        assertMessage("StepLR: epoch must be >= 0, got -1", () -> new StepLR(1, 0.1).learningRate(0.1, -1));
        assertMessage("Constant: iteration must be in [0, 10), got 10",
                () -> new Constant().learningRate(0.1, 0, 10, 10));
        assertMessage("LinearWarmup: base learning rate must be finite and >= 0, got -0.1",
                () -> LinearWarmup.epochs(1, 0.5, new Constant()).learningRate(-0.1, 0));
    }

    private static void assertMessage(String expected, Executable executable) {
        String message = assertThrows(IllegalArgumentException.class, executable).getMessage();
        assertTrue(message.contains(expected), "expected '" + expected + "' in: " + message);
    }
}
