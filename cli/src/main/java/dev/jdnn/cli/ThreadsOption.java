package dev.jdnn.cli;

import dev.jdnn.engine.parallel.Parallel;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --threads T}, shared by every command that runs kernels. */
final class ThreadsOption {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--threads", paramLabel = "T",
            description = "Threads for the Java kernels and for oneDNN (default: ${DEFAULT-VALUE}, the available "
                    + "processors; -Djdnn.threads also sets it).")
    int threads = Parallel.threads();

    /** Sizes the engine's worker pool; call once before running kernels. */
    int apply() {
        if (threads < 1 || threads > 1024) {
            throw new ParameterException(spec.commandLine(), "--threads must be between 1 and 1024, got " + threads);
        }
        Parallel.setThreads(threads);
        return threads;
    }
}
