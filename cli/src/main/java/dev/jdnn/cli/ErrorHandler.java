package dev.jdnn.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception escaping a command into one line on stderr ({@code jdnn bench gemm: <message>}) and an exit
 * code; the stack trace is printed only with {@code JDNN_DEBUG=1}.
 */
final class ErrorHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception exception, CommandLine commandLine, ParseResult parseResult) {
        String command = commandLine.getCommandSpec().qualifiedName();
        String message = exception.getMessage() != null ? exception.getMessage() : exception.toString();
        commandLine.getErr().println(command + ": " + message);
        if ("1".equals(System.getenv("JDNN_DEBUG"))) {
            exception.printStackTrace(commandLine.getErr());
        } else {
            commandLine.getErr().println("(set JDNN_DEBUG=1 for the stack trace)");
        }
        // A weights file that does not fit the model is a problem of the file, not of the command line.
        boolean usage = exception instanceof IllegalArgumentException
                && !(exception instanceof dev.jdnn.engine.io.StateDictMismatchException);
        return usage ? ExitCodes.USAGE : ExitCodes.FAILURE;
    }
}
