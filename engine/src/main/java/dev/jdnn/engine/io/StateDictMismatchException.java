package dev.jdnn.engine.io;

import java.nio.file.Path;
import java.util.List;

/**
 * A state dict that does not fit the model it was loaded into; lists every difference at once. Nothing was loaded.
 */
public class StateDictMismatchException extends IllegalArgumentException {

    private final Path file;
    private final List<String> differences;

    public StateDictMismatchException(Path file, List<String> differences) {
        super("state dict " + file + " does not match the model: " + String.join("; ", differences));
        this.file = file;
        this.differences = List.copyOf(differences);
    }

    public Path file() {
        return file;
    }

    /** One entry per kind, e.g. {@code missing: fc.bias, fc.weight} and {@code shape: conv1.weight expected ...}. */
    public List<String> differences() {
        return differences;
    }
}
