package dev.jdnn.cli;

/** Exit codes of {@code jdnn}, following picocli's conventions. */
public final class ExitCodes {

    /** The command did what was asked. */
    public static final int OK = 0;
    /** The command failed: bad data, a wrong result, a missing file, an I/O error. */
    public static final int FAILURE = 1;
    /** The command line itself was wrong: unknown option, bad value (picocli's usage error code). */
    public static final int USAGE = 2;

    private ExitCodes() {
    }
}
