package dev.jdnn.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jdnn.engine.autograd.Autograd;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.backend.JavaBackend;
import dev.jdnn.engine.infer.InferenceSession;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An inference session's calls — the first, which learns the activations' lifetimes, and the later ones, which give
 * memory back after each activation's last reader, all fusing batch norms, ReLUs and residual adds into the
 * convolutions — agree with a plain evaluation forward up to rounding and with each other bit for bit, on models whose
 * forward reads activations in every pattern the zoo has: residual adds, concatenations, branches, SE gates, channel
 * splits and shuffles, flatten views.
 */
class InferenceSessionZooTest {

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "densenet121", "googlenet", "shufflenet_v2_x0_5", "efficientnet_b0",
        "mobilenet_v3_small", "squeezenet1_1", "resnet20", "simple_resnet"})
    void sessionCallsEqualThePlainForward(String key) {
        ModelInfo info = Models.info(key);
        int size = Math.min(info.height(), 64);
        Shape shape = Shape.of(1, info.channels(), size, size);
        try (Module model = Models.create(key, info.classes());
             Tensor x = Tensor.of(random(key.hashCode(), (int) shape.elementCount()), shape.dims());
             JavaBackend backend = new JavaBackend()) {
            model.initialize(5);
            float[] plain = Autograd.eval(() -> {
                try (Graph graph = Graph.on(backend)) {
                    return model.call(graph, graph.input(x)).value().toFloatArray();
                }
            });
            double scale = 1e-3;
            for (float v : plain) {
                scale = Math.max(scale, Math.abs(v));
            }
            try (InferenceSession session = InferenceSession.compile(model, "java", shape)) {
                float[] first = null;
                for (int call = 0; call < 3; call++) {
                    try (Tensor out = session.run(x)) {
                        float[] values = out.toFloatArray();
                        if (first == null) {
                            first = values;
                            // Folding and fusing change rounding only: 1e-4 of the largest output over deep nets.
                            for (int i = 0; i < plain.length; i++) {
                                assertEquals(plain[i], values[i], 1e-4 * scale, key + " output " + i);
                            }
                        } else {
                            assertArrayEquals(first, values, key + " session call " + call);
                        }
                    }
                }
            }
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
}
