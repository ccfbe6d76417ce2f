package dev.jdnn.engine.io;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The file types PyTorch expects for state-dict entries jdnn keeps as f32: BatchNorm's {@code num_batches_tracked}
 * is an int64 scalar in torchvision state dicts.
 */
public final class TorchDTypes {

    private static final String BATCH_COUNTER = "num_batches_tracked";

    private TorchDTypes() {
    }

    /** For {@link SafeTensors#write(java.nio.file.Path, Map, Map, Map)}: the f32 entries PyTorch stores as I64. */
    public static Map<String, SafeTensorsDType> storedAs(Map<String, Tensor> stateDict) {
        Map<String, SafeTensorsDType> types = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : stateDict.entrySet()) {
            String name = e.getKey();
            boolean counter = name.equals(BATCH_COUNTER) || name.endsWith("." + BATCH_COUNTER);
            if (counter && e.getValue().dtype() == DType.F32) {
                types.put(name, SafeTensorsDType.I64);
            }
        }
        return types;
    }
}
