package dev.jdnn.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.ReferenceGemm;
import dev.jdnn.engine.testing.Tolerance;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Runs in its own JVM started without {@code --add-modules jdk.incubator.vector} (the {@code scalar-fallback}
 * surefire execution): the engine must still compute, on its scalar kernels, after one warning naming the flag.
 */
class ScalarFallbackTest {

    @Test
    void kernelsRunScalarAfterOneWarningThatNamesTheFlag() {
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty(),
                "this test must run in a JVM without jdk.incubator.vector (see engine/pom.xml)");
        List<LogRecord> warnings = new ArrayList<>();
        Logger engineLogger = Logger.getLogger("dev.jdnn.engine");
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord logRecord) {
                if (logRecord.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(logRecord);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        engineLogger.addHandler(handler);
        try {
            assertFalse(Vectorization.isAvailable());
            assertEquals(0, Vectorization.vectorBitSize());
            assertTrue(Vectorization.describe().startsWith("scalar kernels"), Vectorization.describe());

            int m = 37;
            int n = 41;
            int k = 300;
            float[] a = RandomData.uniform(1, m * k);
            float[] b = RandomData.uniform(2, k * n);
            try (Tensor at = Tensor.of(a, m, k); Tensor bt = Tensor.of(b, k, n); Tensor c = Tensor.allocate(m, n)) {
                Sgemm.sgemm(false, false, 1f, at, bt, 0f, c);
                ReferenceGemm.Result expected = ReferenceGemm.sgemm(false, false, m, n, k, 1f, a, b, 0f, null);
                Tolerance.assertWithinReductionBound(expected.values(), expected.magnitudes(), c.toFloatArray(), k,
                        "scalar sgemm");
            }
            try (Tensor x = Tensor.of(RandomData.uniform(3, 2 * 3 * 5 * 5), 2, 3, 5, 5);
                 Tensor y = Tensor.allocate(2, 3, 1, 1)) {
                Pooling.globalAvgPool2dForward(x, y);
                float[] input = x.toFloatArray();
                float[] output = y.toFloatArray();
                for (int plane = 0; plane < 6; plane++) {
                    double sum = 0;
                    double magnitude = 0;
                    for (int i = 0; i < 25; i++) {
                        sum += input[plane * 25 + i];
                        magnitude += Math.abs(input[plane * 25 + i]);
                    }
                    assertTrue(Math.abs(output[plane] - sum / 25) <= Tolerance.reductionBound(25, magnitude / 25),
                            "plane " + plane + ": " + output[plane] + " vs " + sum / 25);
                }
            }
        } finally {
            engineLogger.removeHandler(handler);
        }
        assertEquals(1, warnings.size(), "expected exactly one warning, got " + warnings.size());
        String message = warnings.getFirst().getMessage();
        assertTrue(message.contains("--add-modules jdk.incubator.vector"), message);
    }
}
