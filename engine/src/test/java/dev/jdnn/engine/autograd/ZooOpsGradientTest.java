package dev.jdnn.engine.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.JavaBackend;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.TestBackends;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Values and finite-difference gradients of the ops the zoo's mobile networks add: hardtanh/ReLU6, stochastic depth, channel slice. */
class ZooOpsGradientTest {

    private static final TestBackends BACKENDS = new TestBackends();

    @AfterAll
    static void closeBackends() {
        BACKENDS.close();
    }

    static List<String> backends() {
        return TestBackends.NAMES;
    }

    @Test
    void relu6ClampsToZeroAndSixAndKeepsNaN() {
        float[] in = {-2f, 0f, 3f, 6f, 7.5f, Float.NaN};
        try (Backend backend = new JavaBackend(); Tensor x = Tensor.of(in, 1, 6);
             Graph graph = Graph.on(backend)) {
            float[] y = ClampNode.apply(graph.input(x), 0f, 6f).value().toFloatArray();
            assertArrayEquals(new float[] {0f, 0f, 3f, 6f, 6f, Float.NaN}, y);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void relu6Gradient(String name) {
        // Values in [-4, 8], pushed 0.2 away from the kinks at 0 and 6 (the step is 0.01).
        float[] x = RandomData.uniform(91, 40, -4f, 8f);
        for (int i = 0; i < x.length; i++) {
            if (Math.abs(x[i]) < 0.2f || Math.abs(x[i] - 6f) < 0.2f) {
                x[i] += 0.5f;
            }
        }
        GradientCheck.check("relu6", BACKENDS.get(name), List.of(x), List.of(Shape.of(2, 5, 2, 2)),
                (g, v) -> ClampNode.apply(v.get(0), 0f, 6f));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void stochasticDepthGradient(String name) {
        // The same (seed, call) in every pass: the same per-sample mask, so the function is fixed and linear.
        GradientCheck.check("stochastic depth 0.5", BACKENDS.get(name), List.of(RandomData.uniform(92, 72)),
                List.of(Shape.of(6, 3, 2, 2)), (g, v) -> StochasticDepthNode.apply(v.get(0), 0.5));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void channelSliceGradient(String name) {
        // Both halves used (as ShuffleNet's split), one of them squared so each has its own gradient.
        GradientCheck.check("channel slice halves", BACKENDS.get(name), List.of(RandomData.uniform(93, 48)),
                List.of(Shape.of(2, 6, 2, 2)), (g, v) -> Functional.channelScale(
                        ChannelSliceNode.apply(v.get(0), 0, 3), Functional.adaptiveAvgPool2d(
                                ChannelSliceNode.apply(v.get(0), 3, 3), 1, 1)));
    }

    @Test
    void stochasticDepthKeepsOrDropsWholeSamplesAndScalesTheKept() {
        int samples = 200;
        float[] in = RandomData.uniform(94, samples * 2 * 3);
        try (Backend backend = new JavaBackend(); Tensor x = Tensor.of(in, samples, 2, 3);
             Graph graph = Graph.on(backend).seeded(17)) {
            float[] y = StochasticDepthNode.apply(graph.input(x.reshape(samples, 2, 3, 1)), 0.2).value()
                    .toFloatArray();
            int kept = 0;
            float scale = (float) (1 / 0.8);
            for (int n = 0; n < samples; n++) {
                boolean sampleKept = y[n * 6] != 0f;
                kept += sampleKept ? 1 : 0;
                for (int i = n * 6; i < n * 6 + 6; i++) {
                    assertEquals(in[i] * (sampleKept ? scale : 0f), y[i], "sample " + n + " element " + i);
                }
            }
            // Binomial(200, 0.8): mean 160, standard deviation 5.7; 5 deviations either side.
            assertTrue(kept > 131 && kept < 189, "kept " + kept + " of 200");
        }
    }

    @Test
    void stochasticDepthIsTheIdentityInEvaluationAndAtZero() {
        try (Backend backend = new JavaBackend(); Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
             Graph graph = Graph.on(backend)) {
            Variable input = graph.input(x);
            assertSame(input, StochasticDepthNode.apply(input, 0.0));
            assertSame(input, Autograd.eval(() -> StochasticDepthNode.apply(input, 0.5)));
            assertArrayEquals(new float[4], StochasticDepthNode.apply(input, 1.0).value().toFloatArray());
        }
    }

    @Test
    void channelSliceCopiesTheChannels() {
        float[] in = new float[2 * 4 * 3];
        for (int i = 0; i < in.length; i++) {
            in[i] = i;
        }
        try (Backend backend = new JavaBackend(); Tensor x = Tensor.of(in, 2, 4, 3, 1);
             Graph graph = Graph.on(backend)) {
            Variable y = ChannelSliceNode.apply(graph.input(x), 1, 2);
            assertEquals(Shape.of(2, 2, 3, 1), y.shape());
            assertArrayEquals(new float[] {3, 4, 5, 6, 7, 8, 15, 16, 17, 18, 19, 20}, y.value().toFloatArray());
        }
    }
}
