package dev.jdnn.engine.data;

import java.io.IOException;
import java.nio.file.Path;

/** A data-set file whose contents are not what its format requires; the message names the file, expected and found. */
public final class DatasetFormatException extends IOException {

    private final transient Path file;

    public DatasetFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }
}
