package dev.jdnn.cli;

import picocli.CommandLine;

/** Entry point of the {@code jdnn} command line; {@code ./jdnn} at the repository root builds and runs it. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        // The training curves are drawn off screen (XChart on java.awt): never look for a display.
        System.setProperty("java.awt.headless", "true");
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code (see {@link ExitCodes}). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command tree: errors become one clear line on stderr and a picocli exit code. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new JdnnCommand());
        commandLine.setExecutionExceptionHandler(new ErrorHandler());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        return commandLine;
    }
}
