package dev.jdnn.engine.train;

import dev.jdnn.engine.io.Checkpoint;
import dev.jdnn.engine.io.StateDicts;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.train.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Checkpoints of a training run: after epoch {@code e}, {@code epoch-e.safetensors} holds the model's state dict under
 * torchvision's names (loadable by {@code jdnn eval}, {@code jdnn infer} and PyTorch) and
 * {@code epoch-e.state.safetensors} the optimizer's state with the epoch, the run's settings and the optimizer's
 * scalars; {@code latest} names the newest. {@link #resume} restores all of it, so training continues exactly where it
 * stopped.
 */
public final class TrainingCheckpoints {

    /** Training-state key: the last finished epoch. */
    public static final String EPOCH = "epoch";
    private static final String OPTIMIZER_PREFIX = "optimizer.";

    private TrainingCheckpoints() {
    }

    /** The checkpoint name of epoch {@code epoch}. */
    public static String name(int epoch) {
        return "epoch-" + epoch;
    }

    /**
     * Saves the model and optimizer after {@code epoch} into {@code dir} (created if missing), with {@code settings}
     * (the run's options, kept to check a resume against) in the state file. Returns the weights file.
     */
    public static Path save(Path dir, int epoch, Module model, Optimizer optimizer, Map<String, String> settings)
            throws IOException {
        Files.createDirectories(dir);
        Map<String, String> state = new LinkedHashMap<>(settings);
        state.put(EPOCH, Integer.toString(epoch));
        optimizer.stateScalars().forEach((key, value) -> state.put(OPTIMIZER_PREFIX + key, value));
        Checkpoint.save(dir, name(epoch), model.stateDict(), optimizer.stateTensors(), state);
        return Checkpoint.weightsFile(dir, name(epoch));
    }

    /** What a resume restored. */
    public record Resumed(String checkpoint, int epoch, Map<String, String> settings) {
    }

    /**
     * Restores the newest checkpoint of {@code dir} into {@code model} and {@code optimizer}: every weight, buffer and
     * optimizer state tensor is checked (names, shapes) before anything is copied. Empty when {@code dir} has none.
     */
    public static Optional<Resumed> resume(Path dir, Module model, Optimizer optimizer) throws IOException {
        Optional<Checkpoint> latest = Checkpoint.loadLatest(dir);
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        try (Checkpoint checkpoint = latest.get()) {
            Map<String, String> state = checkpoint.trainingState();
            String epochText = state.get(EPOCH);
            if (epochText == null) {
                throw new IOException("checkpoint " + checkpoint.stateFile().file() + " has no '" + EPOCH
                        + "' entry: it was not written by jdnn train");
            }
            StateDicts.load(model.stateDict(), checkpoint.weightsFile());
            Map<String, String> scalars = new LinkedHashMap<>();
            Map<String, String> settings = new LinkedHashMap<>();
            state.forEach((key, value) -> {
                if (key.startsWith(OPTIMIZER_PREFIX)) {
                    scalars.put(key.substring(OPTIMIZER_PREFIX.length()), value);
                } else if (!key.equals(EPOCH)) {
                    settings.put(key, value);
                }
            });
            Map<String, Tensor> tensors = checkpoint.optimizerState();
            optimizer.loadState(tensors, scalars);
            return Optional.of(new Resumed(checkpoint.name(), Integer.parseInt(epochText), settings));
        }
    }
}
