package dev.jdnn.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.Tolerance;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDictsTest {

    @TempDir
    Path dir;

    private final Map<String, Tensor> owned = new LinkedHashMap<>();

    @AfterEach
    void closeTensors() {
        owned.values().forEach(Tensor::close);
    }

    private Tensor tensor(String key, float[] values, int... dims) {
        Tensor tensor = Tensor.of(values, dims);
        owned.put(key + owned.size(), tensor);
        return tensor;
    }

    private static float[] ramp(int count, float start) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = start + i * 0.25f;
        }
        return values;
    }

    @Test
    void aMatchingStateDictLoadsEveryTensorIncludingAnI64Counter() throws IOException {
        Path file = dir.resolve("lenet.safetensors");
        Map<String, Tensor> saved = Map.of(
                "conv1.weight", tensor("s", ramp(150, -3), 6, 1, 5, 5),
                "conv1.bias", tensor("s", ramp(6, 1), 6),
                "bn.num_batches_tracked", tensor("s", new float[] {1234}));
        SafeTensors.write(file, saved, Map.of(), Map.of("bn.num_batches_tracked", SafeTensorsDType.I64));
        Map<String, Tensor> model = Map.of(
                "conv1.weight", tensor("m", new float[150], 6, 1, 5, 5),
                "conv1.bias", tensor("m", new float[6], 6),
                "bn.num_batches_tracked", tensor("m", new float[1]));
        try (SafeTensorsFile read = SafeTensors.read(file)) {
            StateDicts.load(model, read);
        }
        for (String name : saved.keySet()) {
            Tolerance.assertBitsEqual(saved.get(name).toFloatArray(), model.get(name).toFloatArray(), name);
        }
    }

    @Test
    void everyMismatchIsReportedTogetherAndNothingIsLoaded() throws IOException {
        Path file = dir.resolve("wrong.safetensors");
        SafeTensors.write(file, Map.of(
                "conv1.weight", tensor("s", ramp(54, 0), 6, 1, 3, 3),
                "conv1.bias", tensor("s", ramp(6, 0), 6),
                "fc.b", tensor("s", ramp(10, 0), 10),
                "fc.weight", tensor("s", ramp(20, 0), 10, 2)), Map.of());
        Tensor bias = tensor("m", ramp(6, 100), 6);
        try (Tensor half = Tensor.allocate(Shape.of(10, 2), DType.BF16)) {
            Map<String, Tensor> model = Map.of(
                    "conv1.weight", tensor("m", new float[150], 6, 1, 5, 5),
                    "conv1.bias", bias,
                    "fc.weight", half,
                    "fc.bias", tensor("m", new float[10], 10));
            try (SafeTensorsFile read = SafeTensors.read(file)) {
                StateDictMismatchException e = assertThrows(StateDictMismatchException.class,
                        () -> StateDicts.load(model, read));
                assertEquals(List.of("missing: fc.bias", "unexpected: fc.b",
                        "shape: conv1.weight expected (6, 1, 5, 5) got (6, 1, 3, 3)",
                        "dtype: fc.weight expected bf16 got F32"), e.differences());
                assertEquals("state dict " + file + " does not match the model: missing: fc.bias; unexpected: fc.b;"
                        + " shape: conv1.weight expected (6, 1, 5, 5) got (6, 1, 3, 3);"
                        + " dtype: fc.weight expected bf16 got F32", e.getMessage());
            }
        }
        // conv1.bias matched, but the load as a whole was refused before copying anything.
        Tolerance.assertBitsEqual(ramp(6, 100), bias.toFloatArray(), "conv1.bias untouched");
    }
}
