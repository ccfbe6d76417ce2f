package dev.jdnn.engine.io;

import dev.jdnn.engine.tensor.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Loads a state dict (tensors by torchvision name) from a safetensors file into a model's tensors, strictly as
 * PyTorch's {@code load_state_dict(strict=True)}: every name must be on both sides with the same shape and a loadable
 * type.
 */
public final class StateDicts {

    private StateDicts() {
    }

    /**
     * Copies every tensor of {@code file} into the tensor of the same name in {@code targets}, after checking all of
     * them: names missing from the file, names the model lacks, different shapes and types that do not load are reported
     * together and nothing is copied.
     *
     * @throws StateDictMismatchException listing every difference, e.g.
     *     {@code missing: fc.bias; unexpected: fc.b; shape: conv1.weight expected (6, 1, 5, 5) got (6, 1, 3, 3)}
     * @throws IOException if reading the data fails (targets may then be partly loaded)
     */
    public static void load(Map<String, Tensor> targets, SafeTensorsFile file) throws IOException {
        List<String> differences = differences(targets, file);
        if (!differences.isEmpty()) {
            throw new StateDictMismatchException(file.file(), differences);
        }
        for (String name : file.names()) {
            file.loadInto(name, targets.get(name));
        }
    }

    /** What would stop {@link #load}: one line per kind of difference, empty when the state dict fits. */
    public static List<String> differences(Map<String, Tensor> targets, SafeTensorsFile file) {
        TreeSet<String> missing = new TreeSet<>(targets.keySet());
        file.names().forEach(missing::remove);
        TreeSet<String> unexpected = new TreeSet<>(file.names());
        unexpected.removeAll(targets.keySet());
        List<String> shapes = new ArrayList<>();
        List<String> dtypes = new ArrayList<>();
        List<String> closed = new ArrayList<>();
        for (String name : new TreeSet<>(file.names())) {
            Tensor target = targets.get(name);
            if (target == null) {
                continue;
            }
            SafeTensorsEntry entry = file.entry(name);
            if (!target.isOpen()) {
                closed.add(name);
            }
            if (!entry.hasTensorShape() || !entry.shape().equals(target.shape())) {
                shapes.add(name + " expected " + target.shape() + " got " + entry.dimsText());
            }
            if (!entry.dtype().loadableAs(target.dtype())) {
                dtypes.add(name + " expected " + target.dtype() + " got " + entry.dtype());
            }
        }
        List<String> differences = new ArrayList<>();
        if (!missing.isEmpty()) {
            differences.add("missing: " + String.join(", ", missing));
        }
        if (!unexpected.isEmpty()) {
            differences.add("unexpected: " + String.join(", ", unexpected));
        }
        if (!shapes.isEmpty()) {
            differences.add("shape: " + String.join(", ", shapes));
        }
        if (!dtypes.isEmpty()) {
            differences.add("dtype: " + String.join(", ", dtypes));
        }
        if (!closed.isEmpty()) {
            differences.add("closed target: " + String.join(", ", closed));
        }
        return differences;
    }
}
