package dev.jdnn.cli;

import dev.jdnn.bench.timing.Timing;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --warmup}, {@code --time}, {@code --iterations}, {@code --turn} and {@code --min-iterations}, shared by the
 * benchmark commands; each command gives its own default times to {@link #timing}.
 */
final class TimingOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--warmup", paramLabel = "SECONDS",
            description = "Warm-up per case and backend, long enough for the JIT to compile the kernels "
                    + "(default: 3 for gemm, 1 for conv, 2 for a model).")
    Double warmupSeconds;

    @Option(names = "--time", paramLabel = "SECONDS",
            description = "Timed run per case (default: 5 for gemm, 2 for conv, 10 for a model).")
    Double timeSeconds;

    @Option(names = "--iterations", paramLabel = "N",
            description = "Time exactly N calls per case instead of --time.")
    Long iterations;

    @Option(names = "--turn", paramLabel = "SECONDS",
            description = "When backends alternate, how long each runs before the other takes over "
                    + "(default: 0.2; 0: call by call; --iterations runs call by call). Turns keep OpenMP's workers, which spin after each oneDNN "
                    + "call, from taking the cores during jdnn's calls.")
    Double turnSeconds;

    @Option(names = "--min-iterations", paramLabel = "N",
            description = "Timed calls per case at least, even past --time (default: ${DEFAULT-VALUE}).",
            defaultValue = "5")
    long minIterations;

    /** The timing the options give, with the command's defaults where an option is absent. */
    Timing timing(double defaultWarmupSeconds, double defaultTimeSeconds) {
        double warmup = warmupSeconds != null ? warmupSeconds : defaultWarmupSeconds;
        double time = timeSeconds != null ? timeSeconds : defaultTimeSeconds;
        if (!(warmup >= 0) || !(time > 0)) {
            throw new ParameterException(spec.commandLine(),
                    "--warmup must be >= 0 and --time > 0 seconds, got " + warmup + " and " + time);
        }
        if (iterations != null) {
            if (timeSeconds != null) {
                throw new ParameterException(spec.commandLine(), "give --time or --iterations, not both");
            }
            if (iterations < 1) {
                throw new ParameterException(spec.commandLine(), "--iterations must be >= 1, got " + iterations);
            }
            return Timing.iterations(Timing.seconds(warmup), iterations);
        }
        if (minIterations < 1) {
            throw new ParameterException(spec.commandLine(), "--min-iterations must be >= 1, got " + minIterations);
        }
        return new Timing(Timing.seconds(warmup), Timing.seconds(time), minIterations, turn());
    }

    private Duration turn() {
        if (turnSeconds == null) {
            return Timing.DEFAULT_TURN;
        }
        if (!(turnSeconds >= 0)) {
            throw new ParameterException(spec.commandLine(), "--turn must be >= 0 seconds, got " + turnSeconds);
        }
        return Timing.seconds(turnSeconds);
    }
}
