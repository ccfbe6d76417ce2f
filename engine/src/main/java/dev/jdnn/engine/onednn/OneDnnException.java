package dev.jdnn.engine.onednn;

/** A oneDNN call returned an error status; the message names the call and oneDNN's status. */
public final class OneDnnException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public OneDnnException(String call, int status) {
        super(call + " failed: " + OneDnnStatus.describe(status));
        this.status = status;
    }

    /** oneDNN's {@code dnnl_status_t} value. */
    public int status() {
        return status;
    }
}
