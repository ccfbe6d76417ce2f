package dev.jdnn.engine.io;

import java.io.IOException;
import java.nio.file.Path;

/** A file that is not a valid safetensors file, or not the one expected; the message names the file and the problem. */
public class SafeTensorsException extends IOException {

    private final Path file;
    private final String problem;

    public SafeTensorsException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.problem = problem;
    }

    public SafeTensorsException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** What is wrong with it, without the file name. */
    public String problem() {
        return problem;
    }
}
