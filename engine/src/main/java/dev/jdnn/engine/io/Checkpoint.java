package dev.jdnn.engine.io;

import dev.jdnn.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A training checkpoint: two safetensors files and a pointer.
 *
 * <ul>
 *   <li>{@code dir/NAME.safetensors}: the model weights under their torchvision state-dict names, a plain file that
 *       {@link StateDicts#load} and PyTorch's {@code safetensors.torch.load_file} read
 *       ({@code num_batches_tracked} stored as I64, as PyTorch has it);
 *   <li>{@code dir/NAME.state.safetensors}: the optimizer's tensors (names chosen by the caller, e.g.
 *       {@code optimizer.conv1.weight.momentum_buffer}) and the training state (epoch, step, learning rate, seed ...)
 *       as its string metadata, with the identity and CRC32C of the weights file it belongs to;
 *   <li>{@code dir/latest}: the name of the newest complete checkpoint.
 * </ul>
 *
 * <p>Each file is replaced atomically, in that order: a crash leaves the previous checkpoint loadable through
 * {@code latest}, and a weights file rewritten without its state is detected and refused by {@link #load}.
 *
 * <p>A loaded checkpoint owns the files and every tensor read from them; {@link #close()} frees them.
 */
public final class Checkpoint implements AutoCloseable {

    public static final String LATEST_FILE = "latest";
    public static final String WEIGHTS_SUFFIX = ".safetensors";
    public static final String STATE_SUFFIX = ".state.safetensors";
    /** Metadata keys with this prefix are the checkpoint's own; training state may not use them. */
    public static final String RESERVED_PREFIX = "jdnn.";

    static final String FORMAT_KEY = "jdnn.checkpoint.format";
    static final String FORMAT_VERSION = "1";
    static final String ID_KEY = "jdnn.checkpoint.id";
    static final String WEIGHTS_FILE_KEY = "jdnn.weights.file";
    static final String WEIGHTS_BYTES_KEY = "jdnn.weights.bytes";
    static final String WEIGHTS_CRC_KEY = "jdnn.weights.crc32c";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

    private final String name;
    private final SafeTensorsFile weights;
    private final SafeTensorsFile state;
    private final Map<String, String> trainingState;

    private Checkpoint(String name, SafeTensorsFile weights, SafeTensorsFile state, Map<String, String> trainingState) {
        this.name = name;
        this.weights = weights;
        this.state = state;
        this.trainingState = trainingState;
    }

    /**
     * Writes checkpoint {@code name} into {@code dir} (which must exist): weights, then state, then {@code latest}.
     *
     * @throws IllegalArgumentException for a name that is not a plain file name ({@code [A-Za-z0-9._-]}, not starting
     *     with a dot, not {@code latest}), or training-state keys starting with {@value #RESERVED_PREFIX}
     */
    public static void save(Path dir, String name, Map<String, Tensor> weights, Map<String, Tensor> optimizerState,
                            Map<String, String> trainingState) throws IOException {
        requireName(name);
        for (String key : trainingState.keySet()) {
            if (key.startsWith(RESERVED_PREFIX)) {
                throw new IllegalArgumentException("checkpoint " + name + ": training-state key '" + key
                        + "' uses the reserved prefix " + RESERVED_PREFIX);
            }
        }
        String id = UUID.randomUUID().toString();
        Path weightsFile = weightsFile(dir, name);
        SafeTensors.write(weightsFile, weights, Map.of("format", "pt", ID_KEY, id), TorchDTypes.storedAs(weights));

        Map<String, String> stateMetadata = new HashMap<>(trainingState);
        stateMetadata.put(FORMAT_KEY, FORMAT_VERSION);
        stateMetadata.put(ID_KEY, id);
        stateMetadata.put(WEIGHTS_FILE_KEY, weightsFile.getFileName().toString());
        stateMetadata.put(WEIGHTS_BYTES_KEY, Long.toString(Files.size(weightsFile)));
        stateMetadata.put(WEIGHTS_CRC_KEY, FileChecksums.crc32c(weightsFile));
        SafeTensors.write(stateFile(dir, name), optimizerState, stateMetadata);

        AtomicFiles.writeString(dir.resolve(LATEST_FILE), name + "\n");
    }

    /**
     * Opens checkpoint {@code name} in {@code dir} and checks that its state belongs to its weights.
     *
     * @throws CheckpointMismatchException if the state file records another weights file (identity, size or CRC32C)
     * @throws SafeTensorsException if either file is malformed; {@link java.nio.file.NoSuchFileException} if missing
     */
    public static Checkpoint load(Path dir, String name) throws IOException {
        requireName(name);
        Path weightsFile = weightsFile(dir, name);
        Path stateFile = stateFile(dir, name);
        SafeTensorsFile weights = SafeTensors.read(weightsFile);
        try {
            SafeTensorsFile state = SafeTensors.read(stateFile);
            try {
                requireSameCheckpoint(weights, state);
                Map<String, String> trainingState = new LinkedHashMap<>();
                state.metadata().forEach((key, value) -> {
                    if (!key.startsWith(RESERVED_PREFIX)) {
                        trainingState.put(key, value);
                    }
                });
                return new Checkpoint(name, weights, state, Map.copyOf(trainingState));
            } catch (IOException | RuntimeException e) {
                state.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    /** The checkpoint name {@code dir/latest} points at, or empty when there is none yet. */
    public static Optional<String> latest(Path dir) throws IOException {
        Path pointer = dir.resolve(LATEST_FILE);
        if (!Files.exists(pointer)) {
            return Optional.empty();
        }
        String name = Files.readString(pointer, StandardCharsets.UTF_8).strip();
        if (!NAME.matcher(name).matches() || name.equals(LATEST_FILE)) {
            throw new SafeTensorsException(pointer, "does not hold a checkpoint name, got '" + name + "'");
        }
        return Optional.of(name);
    }

    /** The checkpoint {@code dir/latest} points at ({@code --resume}), or empty when there is none yet. */
    public static Optional<Checkpoint> loadLatest(Path dir) throws IOException {
        Optional<String> name = latest(dir);
        return name.isEmpty() ? Optional.empty() : Optional.of(load(dir, name.get()));
    }

    public static Path weightsFile(Path dir, String name) {
        return dir.resolve(name + WEIGHTS_SUFFIX);
    }

    public static Path stateFile(Path dir, String name) {
        return dir.resolve(name + STATE_SUFFIX);
    }

    public String name() {
        return name;
    }

    /** The weights file, for {@link StateDicts#load} straight into a model's tensors. */
    public SafeTensorsFile weightsFile() {
        return weights;
    }

    /** The weights as f32 tensors by state-dict name; this checkpoint owns them. */
    public Map<String, Tensor> weights() throws IOException {
        return weights.tensors();
    }

    /** The state file (optimizer tensors), for loading into an optimizer's own tensors. */
    public SafeTensorsFile stateFile() {
        return state;
    }

    /** The optimizer's tensors as f32 by the names they were saved under; this checkpoint owns them. */
    public Map<String, Tensor> optimizerState() throws IOException {
        return state.tensors();
    }

    /** The training state as saved (without the checkpoint's own {@value #RESERVED_PREFIX} keys). */
    public Map<String, String> trainingState() {
        return trainingState;
    }

    @Override
    public void close() throws IOException {
        try {
            state.close();
        } finally {
            weights.close();
        }
    }

    private static void requireName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.equals(LATEST_FILE)) {
            throw new IllegalArgumentException("checkpoint name must be a plain file name of letters, digits, '.',"
                    + " '_' and '-', not starting with '.' and not '" + LATEST_FILE + "', got '" + name + "'");
        }
    }

    private static void requireSameCheckpoint(SafeTensorsFile weights, SafeTensorsFile state) throws IOException {
        Path stateFile = state.file();
        Map<String, String> recorded = state.metadata();
        if (!FORMAT_VERSION.equals(recorded.get(FORMAT_KEY))) {
            throw new CheckpointMismatchException(stateFile, "not a jdnn checkpoint state file: " + FORMAT_KEY
                    + " is " + recorded.get(FORMAT_KEY) + ", expected " + FORMAT_VERSION);
        }
        String weightsName = weights.file().getFileName().toString();
        String stateId = recorded.get(ID_KEY);
        String weightsId = weights.metadata().get(ID_KEY);
        if (stateId == null || !stateId.equals(weightsId)) {
            throw new CheckpointMismatchException(stateFile, "belongs to checkpoint " + stateId + " but " + weightsName
                    + " is checkpoint " + weightsId + ": the weights were rewritten without their training state"
                    + " (a crash between the two writes?); refusing to resume from a mismatched pair");
        }
        String recordedBytes = recorded.get(WEIGHTS_BYTES_KEY);
        String recordedCrc = recorded.get(WEIGHTS_CRC_KEY);
        String actualBytes = Long.toString(Files.size(weights.file()));
        String actualCrc = FileChecksums.crc32c(weights.file());
        if (!actualBytes.equals(recordedBytes) || !actualCrc.equals(recordedCrc)) {
            throw new CheckpointMismatchException(stateFile, "records " + weightsName + " as " + recordedBytes
                    + " bytes with CRC32C " + recordedCrc + ", the file has " + actualBytes + " bytes with CRC32C "
                    + actualCrc + ": the weights changed after the checkpoint was saved");
        }
    }
}
