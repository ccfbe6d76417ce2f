package dev.jdnn.engine.io;

import java.nio.file.Path;

/** A checkpoint's state file that does not belong to the weights file beside it; training must not resume from it. */
public class CheckpointMismatchException extends SafeTensorsException {

    public CheckpointMismatchException(Path stateFile, String problem) {
        super(stateFile, problem);
    }
}
