package dev.jdnn.nativelib;

/** oneDNN cannot be used in this JVM; the message says why and what to do. */
public final class DnnlUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DnnlUnavailableException(String message) {
        super(message);
    }
}
