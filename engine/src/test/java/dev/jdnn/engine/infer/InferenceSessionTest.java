package dev.jdnn.engine.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.autograd.Autograd;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.backend.JavaBackend;
import dev.jdnn.engine.nn.BatchNorm2d;
import dev.jdnn.engine.nn.Conv2d;
import dev.jdnn.engine.nn.Dropout;
import dev.jdnn.engine.nn.Flatten;
import dev.jdnn.engine.nn.Linear;
import dev.jdnn.engine.nn.MaxPool2d;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.nn.ReLU;
import dev.jdnn.engine.nn.Sequential;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.TestBackends;
import dev.jdnn.engine.testing.Tolerance;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class InferenceSessionTest {

    static List<String> backends() {
        return TestBackends.NAMES;
    }

    private static Module model() {
        Module model = new Sequential(new Conv2d(3, 8, 3, 1, 1), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2, 2),
                new Flatten(), new Dropout(0.5), new Linear(8 * 4 * 4, 5));
        model.initialize(4);
        return model;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void concurrentCallsGiveTheBitsOfSerialEvaluation(String name) throws Exception {
        if (name.equals("onednn")) {
            TestBackends.requireOneDnn();
        }
        Shape shape = Shape.of(2, 3, 8, 8);
        try (Module model = model(); InferenceSession session = InferenceSession.compile(model, name, shape)) {
            assertEquals(Shape.of(2, 5), session.outputShape());
            assertTrue(session.compileNanos() > 0);
            List<Tensor> inputs = new ArrayList<>();
            List<float[]> expected = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Tensor input = Tensor.of(RandomData.uniform(10 + i, 384), 2, 3, 8, 8);
                inputs.add(input);
                try (Tensor out = session.run(input)) {
                    expected.add(out.toFloatArray());
                }
            }
            session.warmup(3);
            try (ExecutorService callers = Executors.newFixedThreadPool(3)) {
                List<Future<float[]>> results = new ArrayList<>();
                for (int round = 0; round < 4; round++) {
                    for (Tensor input : inputs) {
                        results.add(callers.submit(() -> {
                            try (Tensor out = session.run(input)) {
                                return out.toFloatArray();
                            }
                        }));
                    }
                }
                for (int i = 0; i < results.size(); i++) {
                    Tolerance.assertBitsEqual(expected.get(i % inputs.size()), results.get(i).get(),
                            "call " + i + " from 3 threads");
                }
            }
            assertTrue(session.contexts() >= 1 && session.contexts() <= 4, "contexts: " + session.contexts());
            inputs.forEach(Tensor::close);
        }
    }

    @Test
    void matchesTheModulesEvaluationForward() {
        Shape shape = Shape.of(1, 3, 8, 8);
        try (Module model = model(); Tensor input = Tensor.of(RandomData.uniform(3, 192), 1, 3, 8, 8);
             InferenceSession session = InferenceSession.compile(model, "java", shape);
             Tensor out = session.run(input); JavaBackend backend = new JavaBackend()) {
            float[] direct = Autograd.eval(() -> {
                try (Graph graph = Graph.on(backend)) {
                    return model.call(graph, graph.input(input)).value().toFloatArray();
                }
            });
            // Batch norm folded into the conv and ReLU as its post-op: the same function up to f32 rounding of the
            // folded weights and of a different summation order (27-term dot products here).
            float[] fused = out.toFloatArray();
            double scale = 0;
            for (float v : direct) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < direct.length; i++) {
                assertEquals(direct[i], fused[i], 1e-5 * Math.max(scale, 1), "output " + i);
            }
        }
    }

    @Test
    void nanInTheInputIsRefusedWhereItIsOrComputedOnAsAsked() {
        Shape shape = Shape.of(1, 3, 8, 8);
        try (Module model = model(); Tensor input = Tensor.of(RandomData.uniform(3, 192), 1, 3, 8, 8);
             InferenceSession rejecting = InferenceSession.compile(model, "java", shape);
             InferenceSession passing = InferenceSession.compile(model, "java", shape, NanInputs.PASS_THROUGH)) {
            float[] clean;
            try (Tensor out = rejecting.run(input)) {
                clean = out.toFloatArray();
            }
            float original = input.get(0, 2, 5, 1);
            input.set(Float.NaN, 0, 2, 5, 1);
            NanInputException refused = assertThrows(NanInputException.class, () -> rejecting.run(input));
            assertEquals("inference session: input holds NaN at [0, 2, 5, 1] (compile the session with"
                    + " NanInputs.PASS_THROUGH to compute on NaN)", refused.getMessage());
            assertEquals(2 * 64 + 5 * 8 + 1, refused.flatIndex());
            try (Tensor out = passing.run(input)) {
                boolean anyNaN = false;
                for (float v : out.toFloatArray()) {
                    anyNaN |= Float.isNaN(v);
                }
                assertTrue(anyNaN, "a NaN pixel passed through reaches the output");
            }
            input.set(original, 0, 2, 5, 1);
            try (Tensor out = rejecting.run(input)) {
                assertEquals(1, rejecting.contexts(), "the refused call gave its context back");
                assertArrayEquals(clean, out.toFloatArray(), "the session works on after a refused call");
            }
        }
    }

    @Test
    void refusesWrongShapesAndUseAfterClose() {
        try (Module model = model(); Tensor wrong = Tensor.allocate(1, 3, 9, 8)) {
            InferenceSession session = InferenceSession.compile(model, "java", Shape.of(1, 3, 8, 8));
            assertEquals("inference session: input must have shape (1, 3, 8, 8), got (1, 3, 9, 8)",
                    assertThrows(IllegalArgumentException.class, () -> session.run(wrong)).getMessage());
            session.close();
            try (Tensor input = Tensor.allocate(1, 3, 8, 8)) {
                assertEquals("inference session: run after close()",
                        assertThrows(IllegalStateException.class, () -> session.run(input)).getMessage());
            }
            assertThrows(IllegalArgumentException.class,
                    () -> InferenceSession.compile(model, "java", Shape.of(1, 3, 3, 3)));
        }
    }
}
