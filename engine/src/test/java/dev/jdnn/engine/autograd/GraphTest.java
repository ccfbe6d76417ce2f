package dev.jdnn.engine.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.backend.JavaBackend;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.nn.BatchNorm2d;
import dev.jdnn.engine.nn.Conv2d;
import dev.jdnn.engine.nn.Parameter;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The tape's life cycle: what is recorded, what backward frees, modes, misuse. */
class GraphTest {

    private static final JavaBackend BACKEND = new JavaBackend();

    @AfterAll
    static void close() {
        BACKEND.close();
    }

    @Test
    void backwardFreesActivationsAsItGoesAndCloseFreesTheRest() {
        try (Conv2d conv = new Conv2d(2, 3, 3, 1, 1); Tensor x = Tensor.of(RandomData.uniform(1, 50), 1, 2, 5, 5);
             Parameter fc = Parameter.zeros(Shape.of(2, 75))) {
            fc.value().copyFrom(RandomData.uniform(9, 150));
            Graph graph = Graph.on(BACKEND);
            Variable hidden = conv.call(graph, graph.input(x));
            Variable activated = Functional.relu(hidden);
            Variable logits = Functional.linear(Functional.flatten(activated, 1), graph.parameter(fc), null)
                    .retain();
            Variable loss = Functional.crossEntropy(logits, new int[] {1}, 0);
            assertEquals(5, graph.recordedOps());
            graph.backward(loss);
            assertEquals(0, graph.recordedOps());
            assertThrows(IllegalStateException.class, hidden::value, "released once backward used it");
            assertNotNull(logits.value(), "retained");
            assertNotNull(conv.weight().grad());
            assertTrue(graph.liveTensors() <= 1, "only the retained logits are left, got " + graph.liveTensors());
            graph.close();
            assertEquals(0, graph.liveTensors());
            IllegalStateException twice = assertThrows(IllegalStateException.class, () -> graph.input(x));
            assertEquals("this graph was closed", twice.getMessage());
        }
    }

    @Test
    void aRetainedViewKeepsTheMemoryItViews() {
        try (Conv2d conv = new Conv2d(1, 2, 1, 1, 0); Tensor x = Tensor.of(RandomData.uniform(4, 8), 2, 1, 2, 2);
             Graph graph = Graph.on(BACKEND)) {
            // flatten(conv(x)) as logits: a view of the conv's output, which backward frees after the conv's step.
            Variable logits = Functional.flatten(conv.call(graph, graph.input(x)), 1).retain();
            float[] before = logits.value().toFloatArray();
            graph.backward(Functional.crossEntropy(logits, new int[] {1, 7}, 0));
            assertArrayEquals(before, logits.value().toFloatArray(), "still readable after backward");
        }
    }

    @Test
    void aCacheServesTheNextPassWithTheSameTensors() {
        try (Conv2d conv = new Conv2d(1, 2, 3, 1, 1); Tensor x = Tensor.of(RandomData.uniform(5, 32), 2, 1, 4, 4);
             TensorCache cache = new TensorCache()) {
            float[] first = null;
            int held = -1;
            for (int pass = 0; pass < 3; pass++) {
                try (Graph graph = Graph.on(BACKEND, cache)) {
                    Variable y = Functional.relu(conv.call(graph, graph.input(x))).retain();
                    graph.backward(Functional.crossEntropy(Functional.flatten(y, 1), new int[] {3, 30}, 0));
                    float[] values = y.value().toFloatArray();
                    if (first == null) {
                        first = values;
                    } else {
                        assertArrayEquals(first, values, "a reused tensor is written whole");
                    }
                }
                if (held < 0) {
                    held = cache.size();
                    assertTrue(held > 0, "the pass gave its tensors back");
                } else {
                    assertEquals(held, cache.size(), "later passes take what the first gave back, allocate nothing");
                }
            }
        }
    }

    @Test
    void aLifetimePlanReleasesActivationsAfterTheirLastReader() {
        try (Conv2d a = new Conv2d(1, 2, 3, 1, 1); Conv2d b = new Conv2d(2, 2, 3, 1, 1);
             Tensor x = Tensor.of(RandomData.uniform(6, 32), 2, 1, 4, 4); TensorCache cache = new TensorCache()) {
            LifetimePlan plan = new LifetimePlan();
            float[][] outputs = new float[3][];
            int[] held = new int[3];
            for (int pass = 0; pass < 3; pass++) {
                int index = pass;
                outputs[pass] = Autograd.eval(() -> {
                    try (Graph graph = Graph.on(BACKEND, cache, plan)) {
                        // y1 = relu(a(x)); y2 = b(y1) + y1 (y1 read twice, the second time by the add).
                        Variable y1 = Functional.relu(a.call(graph, graph.input(x)));
                        Variable y2 = Functional.add(b.call(graph, y1), y1);
                        Variable out = Functional.relu(y2);
                        float[] values = out.value().toFloatArray();
                        graph.completePass();
                        held[index] = graph.liveTensors();
                        return values;
                    }
                });
            }
            assertTrue(plan.learned());
            assertArrayEquals(outputs[0], outputs[1], "a planned pass computes the same values");
            assertArrayEquals(outputs[0], outputs[2]);
            // 5 outputs (conv, relu, conv, add, relu); the learning pass keeps all, a planned one only the live ones.
            assertEquals(5, held[0]);
            assertTrue(held[2] < held[0], "planned pass held " + held[2] + " tensors at the end, learning pass " + held[0]);
        }
    }

    @Test
    void gradientsAccumulateUntilZeroGrad() {
        try (Conv2d conv = new Conv2d(1, 1, 1, 1, 0); Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2)) {
            for (int pass = 0; pass < 2; pass++) {
                try (Graph graph = Graph.on(BACKEND); Tensor ones = Tensor.allocate(1, 1, 2, 2)) {
                    ones.fill(1f);
                    graph.backward(conv.call(graph, graph.input(x)), ones);
                }
            }
            // d/dw Σ (w·x + b) = Σ x = 10 per pass; d/db = 4 per pass.
            assertArrayEquals(new float[] {20f}, conv.weight().grad().toFloatArray());
            assertArrayEquals(new float[] {8f}, conv.bias().grad().toFloatArray());
            conv.weight().zeroGrad();
            assertNull(conv.weight().grad(), "zeroGrad forgets the gradient (set_to_none)");
            try (Graph graph = Graph.on(BACKEND); Tensor ones = Tensor.allocate(1, 1, 2, 2)) {
                ones.fill(1f);
                graph.backward(conv.call(graph, graph.input(x)), ones);
            }
            assertArrayEquals(new float[] {10f}, conv.weight().grad().toFloatArray(), "overwritten, not added");
        }
    }

    @Test
    void noGradRecordsNothingAndEvalUsesRunningStatistics() {
        try (BatchNorm2d bn = new BatchNorm2d(2); Tensor x = Tensor.of(RandomData.uniform(3, 16), 2, 2, 2, 2)) {
            float[] before = bn.runningMean().toFloatArray();
            float[] y = Autograd.eval(() -> {
                try (Graph graph = Graph.on(BACKEND)) {
                    Variable out = bn.call(graph, graph.input(x));
                    assertEquals(0, graph.recordedOps());
                    assertFalse(out.requiresGrad());
                    return out.value().toFloatArray();
                }
            });
            // Running mean 0, variance 1, weight 1, bias 0: y = x / sqrt(1 + eps).
            float[] input = x.toFloatArray();
            for (int i = 0; i < y.length; i++) {
                assertEquals(input[i] / Math.sqrt(1 + 1e-5), y[i], 1e-6);
            }
            assertArrayEquals(before, bn.runningMean().toFloatArray(), "eval does not touch running statistics");
            assertEquals(0, bn.numBatchesTracked());
            Autograd.noGrad(() -> {
                try (Graph graph = Graph.on(BACKEND)) {
                    Variable out = bn.call(graph, graph.input(x));
                    assertEquals(0, graph.recordedOps());
                    return out;
                }
            });
            assertEquals(1, bn.numBatchesTracked(), "no-grad training mode still updates the running statistics");
        }
    }

    @Test
    void misuseIsNamed() {
        try (Tensor x = Tensor.of(new float[] {1, 2}, 1, 2); Graph graph = Graph.on(BACKEND);
             Parameter w = Parameter.zeros(Shape.of(2, 2))) {
            Variable y = Functional.linear(graph.input(x), graph.parameter(w), null);
            assertEquals("backward: the loss must have one element, got shape (1, 2)",
                    assertThrows(IllegalArgumentException.class, () -> graph.backward(Functional.add(y, y)))
                            .getMessage());
            Variable loss = Functional.crossEntropy(y, new int[] {0}, 0);
            graph.backward(loss);
            assertEquals("backward: this graph has already run backward (record a new pass)",
                    assertThrows(IllegalStateException.class, () -> graph.backward(loss)).getMessage());
            Variable input = graph.input(x);
            assertEquals("conv2d: input must be (N, C, H, W), got (1, 2)", assertThrows(IllegalArgumentException.class,
                    () -> Functional.conv2d(input, input, null, Window2d.square(1, 1, 0), 1)).getMessage());
        }
        try (Tensor x = Tensor.of(new float[] {1, 2}, 1, 2); Graph graph = Graph.on(BACKEND)) {
            Variable loss = Functional.crossEntropy(graph.input(x), new int[] {0}, 0);
            assertEquals("backward: the output does not depend on anything that needs a gradient (was it computed with"
                    + " gradients disabled, or from inputs only?)",
                    assertThrows(IllegalStateException.class, () -> graph.backward(loss)).getMessage());
        }
    }

    @Test
    void shapeOnlyGraphsHaveNoValues() {
        Trace trace = new Trace();
        Conv2d conv = dev.jdnn.engine.nn.Module.shapeOnly(() -> new Conv2d(3, 8, 3, 2, 1));
        try (Graph graph = Graph.shapeOnly(trace)) {
            Variable y = conv.call(graph, graph.input(Shape.of(1, 3, 9, 9)));
            assertEquals(Shape.of(1, 8, 5, 5), y.shape());
            assertEquals("a shape-only graph has no values (variable (1, 8, 5, 5))",
                    assertThrows(IllegalStateException.class, y::value).getMessage());
        }
        assertEquals(8 * 3 * 9 + 8, trace.parameters());
        assertEquals(8L * 27 * 25, trace.macs());
        assertFalse(conv.weight().hasValue());
    }
}
