package dev.jdnn.cli.train;

import dev.jdnn.engine.nn.Parameter;
import dev.jdnn.engine.train.optim.Adam;
import dev.jdnn.engine.train.optim.AdamW;
import dev.jdnn.engine.train.optim.Constant;
import dev.jdnn.engine.train.optim.CosineAnnealingLR;
import dev.jdnn.engine.train.optim.LearningRateSchedule;
import dev.jdnn.engine.train.optim.LinearWarmup;
import dev.jdnn.engine.train.optim.MultiStepLR;
import dev.jdnn.engine.train.optim.Optimizer;
import dev.jdnn.engine.train.optim.Sgd;
import dev.jdnn.engine.train.optim.StepLR;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --optimizer}, {@code --lr}, {@code --momentum}, ..., {@code --schedule}: what updates the weights. */
public final class OptimizerOptions {

    /** What {@code --optimizer} takes. */
    public enum Kind { sgd, adam, adamw }

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--optimizer", paramLabel = "NAME",
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).", defaultValue = "sgd")
    Kind kind;

    @Option(names = "--lr", paramLabel = "X",
            description = "Learning rate (default: 0.01 for sgd, 0.001 for adam and adamw).")
    Double learningRate;

    @Option(names = "--momentum", paramLabel = "M", description = "SGD momentum (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.9")
    double momentum;

    @Option(names = "--nesterov", description = "Nesterov momentum (SGD).")
    boolean nesterov;

    @Option(names = "--weight-decay", paramLabel = "W",
            description = "Weight decay: L2 for sgd and adam, decoupled for adamw (default: 0, adamw 0.01).")
    Double weightDecay;

    @Option(names = "--schedule", paramLabel = "SCHEDULE",
            description = "constant, step:N[:GAMMA] (times GAMMA, default 0.1, every N epochs), "
                    + "multistep:E1,E2,...[:GAMMA], cosine[:ETA_MIN] (to ETA_MIN over the run) "
                    + "(default: ${DEFAULT-VALUE}).", defaultValue = "constant")
    String schedule;

    @Option(names = "--warmup-epochs", paramLabel = "N",
            description = "Linear warm-up from a tenth of the learning rate over the first N epochs (default: 0).",
            defaultValue = "0")
    int warmupEpochs;

    /** The learning rate the schedule scales. */
    public double baseLearningRate() {
        double rate = learningRate != null ? learningRate : kind == Kind.sgd ? 0.01 : 0.001;
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new ParameterException(spec.commandLine(), "--lr must be a positive number, got " + rate);
        }
        return rate;
    }

    /** A new optimizer over {@code parameters}. */
    public Optimizer create(List<Parameter> parameters) {
        double rate = baseLearningRate();
        try {
            return switch (kind) {
                case sgd -> new Sgd(parameters, rate, momentum, 0, weightDecay == null ? 0 : weightDecay, nesterov);
                case adam -> new Adam(parameters, rate, 0.9, 0.999, 1e-8, weightDecay == null ? 0 : weightDecay);
                case adamw -> new AdamW(parameters, rate, 0.9, 0.999, 1e-8, weightDecay == null ? 0.01 : weightDecay);
            };
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** The schedule for a run of {@code epochs} epochs. */
    public LearningRateSchedule schedule(int epochs) {
        LearningRateSchedule main = parseSchedule(epochs);
        if (warmupEpochs < 0) {
            throw new ParameterException(spec.commandLine(), "--warmup-epochs must be >= 0, got " + warmupEpochs);
        }
        return warmupEpochs == 0 ? main : LinearWarmup.epochs(warmupEpochs, 0.1, main);
    }

    private LearningRateSchedule parseSchedule(int epochs) {
        String[] parts = schedule.trim().toLowerCase(Locale.ROOT).split(":");
        try {
            return switch (parts[0]) {
                case "constant" -> {
                    requireParts(parts, 1, 1);
                    yield new Constant();
                }
                case "step" -> {
                    requireParts(parts, 2, 3);
                    yield new StepLR(Integer.parseInt(parts[1]), parts.length > 2 ? Double.parseDouble(parts[2]) : 0.1);
                }
                case "multistep" -> {
                    requireParts(parts, 2, 3);
                    int[] milestones = Arrays.stream(parts[1].split(",")).mapToInt(Integer::parseInt).toArray();
                    yield new MultiStepLR(milestones, parts.length > 2 ? Double.parseDouble(parts[2]) : 0.1);
                }
                case "cosine" -> {
                    requireParts(parts, 1, 2);
                    yield new CosineAnnealingLR(Math.max(1, epochs - warmupEpochs),
                            parts.length > 1 ? Double.parseDouble(parts[1]) : 0);
                }
                default -> throw new ParameterException(spec.commandLine(), "--schedule: unknown schedule '"
                        + schedule + "'; use constant, step:N[:GAMMA], multistep:E1,E2[:GAMMA] or cosine[:ETA_MIN]");
            };
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--schedule: '" + schedule + "' has a number that is not "
                    + "one (" + e.getMessage() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--schedule " + schedule + ": " + e.getMessage(), e);
        }
    }

    private void requireParts(String[] parts, int min, int max) {
        if (parts.length < min || parts.length > max) {
            throw new ParameterException(spec.commandLine(), "--schedule: '" + schedule + "' has the wrong number of "
                    + "':' parts");
        }
    }

    /** The settings as recorded in the log and checkpoints. */
    public Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("optimizer", kind.name());
        settings.put("lr", Double.toString(baseLearningRate()));
        if (kind == Kind.sgd) {
            settings.put("momentum", Double.toString(momentum));
            settings.put("nesterov", Boolean.toString(nesterov));
        }
        settings.put("weight_decay", weightDecay == null ? (kind == Kind.adamw ? "0.01" : "0") : weightDecay.toString());
        settings.put("schedule", schedule);
        settings.put("warmup_epochs", Integer.toString(warmupEpochs));
        return settings;
    }
}
