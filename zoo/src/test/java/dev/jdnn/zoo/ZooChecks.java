package dev.jdnn.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.autograd.Autograd;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Trace;
import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.JavaBackend;
import dev.jdnn.engine.infer.InferenceSession;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.onednn.OneDnn;
import dev.jdnn.engine.onednn.OneDnnBackend;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.SplittableRandom;

/** What every zoo model is checked for: exact counts from a shape-only trace, and a forward on both backends. */
public final class ZooChecks {

    private ZooChecks() {
    }

    /** The trace of {@code key} with {@code classes} classes at {@code (C, size, size)}, batch 1, allocating nothing. */
    public static Trace trace(String key, int classes, int size) {
        ModelInfo info = Models.info(key);
        Module model = Module.shapeOnly(() -> Models.create(key, classes));
        return model.trace(Shape.of(1, info.channels(), size, size));
    }

    /**
     * Asserts the trainable parameters (1000 classes) and the conv + linear multiply-accumulates at the native
     * resolution, and that the registry's published parameter count is the same figure.
     */
    public static void assertCounts(String key, long parameters, long macs) {
        ModelInfo info = Models.info(key);
        Trace trace = trace(key, 1000, info.height());
        assertEquals(parameters, trace.parameters(), key + " parameters (trace)");
        Module model = Module.shapeOnly(() -> Models.create(key, 1000));
        assertEquals(parameters, model.parameterCount(), key + " parameters (module tree)");
        assertEquals(parameters, info.publishedParameters(), key + " parameters (registry)");
        assertEquals(macs, trace.macs(), key + " multiply-accumulates at " + info.inputText());
    }

    /**
     * Forwards one random image at {@code size}×{@code size} in evaluation mode on the Java backend and, where it
     * loads, on oneDNN: the output is {@code (1, classes)}, finite, and the backends agree within {@code 1e-3} of the
     * output's largest magnitude (deep f32 networks accumulate rounding differently on the two).
     */
    public static void assertForwardOnBothBackends(String key, int classes, int size) {
        ModelInfo info = Models.info(key);
        SplittableRandom random = new SplittableRandom(key.hashCode());
        float[] pixels = new float[info.channels() * size * size];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextDouble(-1, 1);
        }
        try (Module model = Models.create(key, classes); Tensor x = Tensor.of(pixels, 1, info.channels(), size, size)) {
            model.initialize(3);
            float[] java = forward(model, new JavaBackend(), x);
            assertEquals(classes, java.length, key + " outputs");
            for (float v : java) {
                assertTrue(Float.isFinite(v), key + ": non-finite output " + v);
            }
            if (OneDnn.isAvailable()) {
                float[] onednn = forward(model, new OneDnnBackend(), x);
                double scale = 0;
                for (float v : java) {
                    scale = Math.max(scale, Math.abs(v));
                }
                for (int i = 0; i < java.length; i++) {
                    assertEquals(java[i], onednn[i], 1e-3 * Math.max(scale, 1e-3), key + " output " + i
                            + ": Java vs oneDNN");
                }
            }
        }
    }

    /**
     * Compiles an inference session of {@code key} at {@code size}×{@code size} on each backend that loads and checks
     * every kind of call it makes: the first call after compile (the pass that captures the program) and a replay on
     * another image each equal the plain evaluation forward of that image within {@code 1e-4} (Java) or {@code 1e-3}
     * (oneDNN) of the largest output (folding, fusing and channels-last change rounding only); replaying the first image again gives the first call's
     * bits; after those calls the session replays.
     */
    public static void assertSessionMatchesThePlainForward(String key, int classes, int size) {
        ModelInfo info = Models.info(key);
        Shape shape = Shape.of(1, info.channels(), size, size);
        try (Module model = Models.create(key, classes);
             Tensor first = Tensor.of(random(key.hashCode(), (int) shape.elementCount()), shape.dims());
             Tensor second = Tensor.of(random(key.hashCode() + 1, (int) shape.elementCount()), shape.dims())) {
            model.initialize(3);
            float[] plainFirst = forward(model, new JavaBackend(), first);
            float[] plainSecond = forward(model, new JavaBackend(), second);
            for (String backend : OneDnn.isAvailable() ? new String[] {"java", "onednn"} : new String[] {"java"}) {
                try (InferenceSession session = InferenceSession.compile(model, backend, shape)) {
                    // Folding and fusing change rounding only: 1e-4 of the largest output on the same backend;
                    // oneDNN against the plain Java forward also sums in other orders (1e-3, as the forward check).
                    double tolerance = backend.equals("java") ? 1e-4 : 1e-3;
                    float[] captured = run(session, first);
                    assertClose(plainFirst, captured, tolerance, key + " " + backend + " session, capturing call");
                    float[] replayed = run(session, second);
                    assertClose(plainSecond, replayed, tolerance, key + " " + backend
                            + " session, replay of another image");
                    assertArrayEquals(captured, run(session, first), key + " " + backend
                            + " session: a replay of the first image differs from the call that captured it");
                    assertTrue(session.replays(), key + " " + backend + ": the session does not replay");
                }
            }
        }
    }

    private static float[] run(InferenceSession session, Tensor x) {
        try (Tensor out = session.run(x)) {
            return out.toFloatArray();
        }
    }

    private static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        double scale = 1e-3;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertEquals(expected.length, actual.length, what + ": outputs");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance * scale, what + ": output " + i);
        }
    }

    private static float[] random(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
        return values;
    }

    private static float[] forward(Module model, Backend backend, Tensor x) {
        try (backend) {
            return Autograd.eval(() -> {
                try (Graph graph = Graph.on(backend)) {
                    return model.call(graph, graph.input(x)).value().toFloatArray();
                }
            });
        }
    }
}
