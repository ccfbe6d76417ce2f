package dev.jdnn.engine.infer;

/**
 * An input refused because it holds NaN ({@link NanInputs#REJECT}); the message names the first NaN's position
 * {@code [n, c, h, w]}. A bad argument for an API caller; a bad file for a command that read the input from one.
 */
public final class NanInputException extends IllegalArgumentException {

    private final long flatIndex;

    public NanInputException(String message, long flatIndex) {
        super(message);
        this.flatIndex = flatIndex;
    }

    /** The first NaN's index in the input, flattened in (N, C, H, W) order. */
    public long flatIndex() {
        return flatIndex;
    }
}
