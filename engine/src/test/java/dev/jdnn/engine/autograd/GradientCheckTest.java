package dev.jdnn.engine.autograd;

import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.kernel.Activation;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.TestBackends;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every differentiable op's backward against central finite differences ({@link GradientCheck}), on each backend. */
class GradientCheckTest {

    private static final TestBackends BACKENDS = new TestBackends();

    @AfterAll
    static void closeBackends() {
        BACKENDS.close();
    }

    static List<String> backends() {
        return TestBackends.NAMES;
    }

    /** Uniform values pushed at least 0.2 away from 0 (ReLU's kink), in [-1.2, -0.2] ∪ [0.2, 1.2]. */
    private static float[] awayFromZero(long seed, int count) {
        float[] values = RandomData.uniform(seed, count);
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.copySign(0.2f + Math.abs(values[i]), values[i]);
        }
        return values;
    }

    /** Distinct values 0.05 apart (no ties within the step), shuffled: for max pooling. */
    private static float[] distinct(long seed, int count) {
        float[] order = RandomData.uniform(seed, count);
        Integer[] index = new Integer[count];
        for (int i = 0; i < count; i++) {
            index[i] = i;
        }
        java.util.Arrays.sort(index, (a, b) -> Float.compare(order[a], order[b]));
        float[] values = new float[count];
        for (int rank = 0; rank < count; rank++) {
            values[index[rank]] = -1f + 0.05f * rank;
        }
        return values;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void conv2d(String name) {
        Backend backend = BACKENDS.get(name);
        Shape x = Shape.of(2, 3, 5, 4);
        Shape w = Shape.of(4, 3, 3, 3);
        Shape b = Shape.of(4);
        GradientCheck.check("conv2d 3x3/1 pad 1", backend,
                List.of(RandomData.uniform(1, 120), RandomData.uniform(2, 108), RandomData.uniform(3, 4)),
                List.of(x, w, b), (g, v) -> Functional.conv2d(v.get(0), v.get(1), v.get(2), Window2d.square(3, 1, 1), 1));
        Shape xg = Shape.of(1, 4, 6, 5);
        Shape wg = Shape.of(4, 2, 2, 3);
        GradientCheck.check("conv2d grouped, stride 2, rectangular", backend,
                List.of(RandomData.uniform(4, 120), RandomData.uniform(5, 48)), List.of(xg, wg),
                (g, v) -> Functional.conv2d(v.get(0), v.get(1), null, new Window2d(2, 3, 2, 2, 1, 1, 1, 1, false), 2));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void linear(String name) {
        GradientCheck.check("linear", BACKENDS.get(name),
                List.of(RandomData.uniform(6, 15), RandomData.uniform(7, 20), RandomData.uniform(8, 4)),
                List.of(Shape.of(3, 5), Shape.of(4, 5), Shape.of(4)),
                (g, v) -> Functional.linear(v.get(0), v.get(1), v.get(2)));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void activations(String name) {
        for (Activation f : Activation.values()) {
            GradientCheck.check(f.name(), BACKENDS.get(name), List.of(awayFromZero(9 + f.ordinal(), 30)),
                    List.of(Shape.of(2, 3, 5)), (g, v) -> Functional.activation(v.get(0), f));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void pooling(String name) {
        Backend backend = BACKENDS.get(name);
        Shape x = Shape.of(2, 2, 5, 6);
        GradientCheck.check("maxpool 2x2/2 ceil", backend, List.of(distinct(20, 120)), List.of(x),
                (g, v) -> Functional.maxPool2d(v.get(0), Window2d.square(2, 2, 0).withCeilMode(true)));
        GradientCheck.check("maxpool 3x3/2 pad 1", backend, List.of(distinct(21, 120)), List.of(x),
                (g, v) -> Functional.maxPool2d(v.get(0), Window2d.square(3, 2, 1)));
        GradientCheck.check("avgpool 3x3/2 pad 1 include pad", backend, List.of(RandomData.uniform(22, 120)),
                List.of(x), (g, v) -> Functional.avgPool2d(v.get(0), Window2d.square(3, 2, 1), true));
        GradientCheck.check("avgpool 2x2/1 exclude pad", backend, List.of(RandomData.uniform(23, 120)), List.of(x),
                (g, v) -> Functional.avgPool2d(v.get(0), Window2d.square(2, 1, 1), false));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void batchNormInTraining(String name) {
        Shape x = Shape.of(3, 2, 2, 3);
        try (var mean = dev.jdnn.engine.tensor.Tensor.allocate(2); var var = dev.jdnn.engine.tensor.Tensor.allocate(2)) {
            var.fill(1f);
            GradientCheck.check("batch_norm", BACKENDS.get(name),
                    List.of(RandomData.uniform(30, 36), new float[] {0.7f, -1.3f}, new float[] {0.2f, 0.5f}),
                    List.of(x, Shape.of(2), Shape.of(2)),
                    (g, v) -> Functional.batchNorm2d(v.get(0), v.get(1), v.get(2), mean, var, 0.1, 1e-5));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void localResponseNorm(String name) {
        GradientCheck.check("lrn 5", BACKENDS.get(name), List.of(RandomData.uniform(40, 84)),
                List.of(Shape.of(2, 7, 2, 3)), (g, v) -> Functional.localResponseNorm(v.get(0), 5, 0.1f, 0.75f, 2f));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void concatAddAndFlatten(String name) {
        Backend backend = BACKENDS.get(name);
        GradientCheck.check("concat", backend, List.of(RandomData.uniform(50, 24), RandomData.uniform(51, 36)),
                List.of(Shape.of(2, 2, 2, 3), Shape.of(2, 3, 2, 3)),
                (g, v) -> Functional.concat(List.of(v.get(0), v.get(1)), 1));
        GradientCheck.check("add (one input twice)", backend, List.of(RandomData.uniform(52, 12)),
                List.of(Shape.of(3, 4)), (g, v) -> Functional.add(v.get(0), v.get(0)));
        GradientCheck.check("flatten then linear", backend, List.of(RandomData.uniform(53, 24),
                RandomData.uniform(54, 36)), List.of(Shape.of(2, 3, 2, 2), Shape.of(3, 12)),
                (g, v) -> Functional.linear(Functional.flatten(v.get(0), 1), v.get(1), null));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void adaptivePoolingChannelOpsAndDropout(String name) {
        Backend backend = BACKENDS.get(name);
        GradientCheck.check("adaptive avg pool 5x7 -> 3x2", backend, List.of(RandomData.uniform(80, 70)),
                List.of(Shape.of(1, 2, 5, 7)), (g, v) -> Functional.adaptiveAvgPool2d(v.get(0), 3, 2));
        GradientCheck.check("channel scale", backend, List.of(RandomData.uniform(81, 36), RandomData.uniform(82, 6)),
                List.of(Shape.of(2, 3, 2, 3), Shape.of(2, 3, 1, 1)),
                (g, v) -> Functional.channelScale(v.get(0), v.get(1)));
        GradientCheck.check("channel shuffle", backend, List.of(RandomData.uniform(83, 24)),
                List.of(Shape.of(1, 6, 2, 2)), (g, v) -> Functional.channelShuffle(v.get(0), 3));
        // The same (seed, call) in every pass: the same mask, so the function is fixed and linear.
        GradientCheck.check("dropout 0.4", backend, List.of(RandomData.uniform(84, 40)),
                List.of(Shape.of(4, 10)), (g, v) -> Functional.dropout(v.get(0), 0.4));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void crossEntropyWithSmoothing(String name) {
        int[] labels = {2, 0, 4};
        for (double smoothing : new double[] {0, 0.1}) {
            GradientCheck.check("cross_entropy ε=" + smoothing, BACKENDS.get(name),
                    List.of(RandomData.uniform(60, 15, -3f, 3f)), List.of(Shape.of(3, 5)),
                    (g, v) -> Functional.crossEntropy(v.get(0), labels, smoothing));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void weightedSumOfLosses(String name) {
        // GoogLeNet's total: the main loss plus 0.3 times an auxiliary one, both on the same logits here.
        GradientCheck.check("weighted sum of losses", BACKENDS.get(name), List.of(RandomData.uniform(90, 12)),
                List.of(Shape.of(3, 4)), (g, v) -> Functional.weightedSum(List.of(
                        Functional.crossEntropy(v.get(0), new int[] {0, 3, 1}, 0),
                        Functional.crossEntropy(v.get(0), new int[] {2, 2, 1}, 0.1)), 1.0, 0.3));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aSmallNetworkEndToEnd(String name) {
        // conv → tanh → average pool → flatten → linear → cross-entropy: the chain rule across ops, memory freed on
        // the way. (Smooth ops only: a max pool here would see near-ties between conv outputs within the step.)
        GradientCheck.check("small network", BACKENDS.get(name),
                List.of(RandomData.uniform(70, 2 * 1 * 6 * 6), RandomData.uniform(71, 3 * 9),
                        RandomData.uniform(72, 3), RandomData.uniform(73, 4 * 27)),
                List.of(Shape.of(2, 1, 6, 6), Shape.of(3, 1, 3, 3), Shape.of(3), Shape.of(4, 27)),
                (g, v) -> {
                    Variable y = Functional.conv2d(v.get(0), v.get(1), v.get(2), Window2d.square(3, 1, 1), 1);
                    y = Functional.activation(y, Activation.TANH);
                    y = Functional.avgPool2d(y, Window2d.square(2, 2, 0), true);
                    y = Functional.linear(Functional.flatten(y, 1), v.get(3), null);
                    return Functional.crossEntropy(y, new int[] {1, 3}, 0);
                });
    }
}
