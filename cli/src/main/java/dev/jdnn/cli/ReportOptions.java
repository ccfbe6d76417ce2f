package dev.jdnn.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --format text|json} of the benchmark commands, and where they write: results on stdout, progress on stderr. */
final class ReportOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).", defaultValue = "text")
    OutputFormat format;

    /** Prints one progress line on stderr ({@code jdnn: <line>}), at once. */
    Consumer<String> progress() {
        PrintWriter err = spec.commandLine().getErr();
        return line -> {
            err.println("jdnn: " + line);
            err.flush();
        };
    }

    /** Writes the result on stdout: {@code json}'s document, or what {@code text} prints. */
    void print(Callable<String> json, Consumer<PrintWriter> text) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (format == OutputFormat.json) {
            out.println(json.call());
        } else {
            text.accept(out);
        }
        out.flush();
    }
}
