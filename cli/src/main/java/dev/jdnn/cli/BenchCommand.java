package dev.jdnn.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jdnn bench <target>}: benchmarks; results on stdout, progress on stderr. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measure speed on synthetic data, no data set needed: SGEMM (gemm), convolution layers (conv).",
        subcommands = {BenchGemmCommand.class, BenchConvCommand.class})
final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
