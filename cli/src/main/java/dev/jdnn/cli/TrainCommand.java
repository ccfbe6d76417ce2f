package dev.jdnn.cli;

import dev.jdnn.cli.train.DataOption;
import dev.jdnn.cli.train.OptimizerOptions;
import dev.jdnn.cli.train.TrainingCurves;
import dev.jdnn.cli.train.TrainingLog;
import dev.jdnn.cli.train.TrainingProgress;
import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.Backends;
import dev.jdnn.engine.data.ImageDataset;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.train.HasTrainingLoss;
import dev.jdnn.engine.train.LabeledBatches;
import dev.jdnn.engine.train.Loss;
import dev.jdnn.engine.train.Trainer;
import dev.jdnn.engine.train.TrainingCheckpoints;
import dev.jdnn.engine.train.optim.LearningRateSchedule;
import dev.jdnn.engine.train.optim.Optimizer;
import dev.jdnn.zoo.ModelInfo;
import dev.jdnn.zoo.Models;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code jdnn train MODEL}: train a zoo model on a data set, with checkpoints, a log and a plot of the curves. */
@Command(name = "train",
        header = "Train a zoo model on a data set, with checkpoints, a log and curves.",
        mixinStandardHelpOptions = true,
        description = {
            "Train MODEL (a zoo key: lenet5_28, lenet5, ...) on the CPU. Each epoch prints train loss, train accuracy",
            "and test accuracy on stdout (a progress bar with loss, accuracy, images/s and time left goes to stderr);",
            "after each epoch the weights (torchvision names, safetensors) and the optimizer state are checkpointed",
            "atomically in --checkpoint, with training-log.csv, training-log.json and training-curves.png beside them.",
            "--resume continues from the newest checkpoint there, exactly as an uninterrupted run would."},
        sortOptions = false)
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model's zoo key (jdnn zoo lists them).")
    String model;

    @Mixin
    DataOption data;

    @Option(names = "--input", paramLabel = "CxHxW",
            description = "Input size (default: the model's; synthetic data and image folders are made that size).")
    String input;

    @Option(names = "--epochs", paramLabel = "E", description = "Epochs to train (default: ${DEFAULT-VALUE}).",
            defaultValue = "10")
    int epochs;

    @Option(names = "--batch", paramLabel = "B", description = "Images per step (default: ${DEFAULT-VALUE}).",
            defaultValue = "64")
    int batch;

    @Mixin
    OptimizerOptions optimizer;

    @Option(names = "--label-smoothing", paramLabel = "EPS",
            description = "Label smoothing of the cross-entropy (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    double labelSmoothing;

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "Where checkpoints, the log and the plot go (default: checkpoints/MODEL).")
    Path checkpoint;

    @Option(names = "--resume", description = "Continue from the newest checkpoint in --checkpoint.")
    boolean resume;

    @Option(names = "--seed", paramLabel = "S",
            description = "Seed of the weights, the data order, augmentation and dropout (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    long seed;

    @Option(names = "--backend", paramLabel = "BACKEND",
            description = "auto, java or onednn (default: ${DEFAULT-VALUE}: oneDNN where it loads).",
            defaultValue = "auto")
    String backendName;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--no-progress", description = "No progress bar (the per-epoch lines only).")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        if (epochs < 1) {
            throw new ParameterException(spec.commandLine(), "--epochs must be at least 1, got " + epochs);
        }
        if (batch < 1) {
            throw new ParameterException(spec.commandLine(), "--batch must be at least 1, got " + batch);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new ParameterException(spec.commandLine(), "--label-smoothing must be in [0, 1], got "
                    + labelSmoothing);
        }
        ModelInfo info = ZooKeys.info(spec, model);
        threads.apply();
        PrintWriter out = spec.commandLine().getOut();
        Path dir = checkpoint != null ? checkpoint : Path.of("checkpoints", model);
        Files.createDirectories(dir);
        dev.jdnn.engine.data.ImageShape inputShape = inputShape(info);
        DataOption.Split split = data.open(spec, inputShape, info.classes());
        ImageDataset train = split.train();
        ImageDataset test = split.test();
        requireFits(inputShape, train);
        Map<String, String> settings = settings(info, train);
        try (Backend backend = Backends.select(backendName);
             Module net = Models.create(model, train.classes());
             Optimizer opt = optimizer.create(net.parameters());
             LabeledBatches trainBatches = data.batches(spec, split, train, batch, true, seed);
             LabeledBatches testBatches = test == null ? null : data.batches(spec, split, test, batch, false, seed);
             TrainingProgress progress = new TrainingProgress(out, System.err, !noProgress)) {
            net.initialize(seed);
            int firstEpoch = 1;
            if (resume) {
                Optional<TrainingCheckpoints.Resumed> resumed = TrainingCheckpoints.resume(dir, net, opt);
                if (resumed.isEmpty()) {
                    out.println("no checkpoint in " + dir + " yet: starting from epoch 1");
                } else {
                    firstEpoch = resumed.get().epoch() + 1;
                    requireSameSettings(resumed.get().settings(), settings);
                    out.println("resuming from " + dir.resolve(resumed.get().checkpoint()) + " (epoch "
                            + resumed.get().epoch() + " done)");
                    if (firstEpoch > epochs) {
                        out.println("nothing to do: " + epochs + " epoch(s) asked, " + resumed.get().epoch()
                                + " done");
                        return ExitCodes.OK;
                    }
                }
            }
            TrainingLog log = new TrainingLog(dir, settings, firstEpoch);
            LearningRateSchedule schedule = optimizer.schedule(epochs);
            double base = optimizer.baseLearningRate();
            Trainer trainer = new Trainer(net, backend, opt,
                    (epoch, step, steps) -> schedule.learningRate(base, epoch - 1, step, steps),
                    net instanceof HasTrainingLoss own ? own.trainingLoss(labelSmoothing)
                            : Loss.crossEntropy(labelSmoothing), seed, progress);
            trainer.fit(trainBatches, testBatches, firstEpoch, epochs, result -> {
                Path weights = TrainingCheckpoints.save(dir, result.epoch(), net, opt, settings);
                progress.accept(new dev.jdnn.engine.train.TrainingEvent.CheckpointSaved(result.epoch(), weights));
                log.add(result);
                TrainingCurves.write(dir, model, log.epochs());
            });
            out.println("log: " + dir.resolve("training-log.csv") + ", curves: " + dir.resolve("training-curves.png"));
        }
        return ExitCodes.OK;
    }

    private void requireFits(dev.jdnn.engine.data.ImageShape input, ImageDataset train) {
        if (!train.imageShape().equals(input)) {
            throw new ParameterException(spec.commandLine(), model + " is trained on " + input + " images here but "
                    + data.describe() + " has " + train.imageShape());
        }
    }

    private dev.jdnn.engine.data.ImageShape inputShape(ModelInfo info) {
        if (input == null) {
            return new dev.jdnn.engine.data.ImageShape(info.channels(), info.height(), info.width());
        }
        int[] chw = InputSizes.parse(spec, input);
        return new dev.jdnn.engine.data.ImageShape(chw[0], chw[1], chw[2]);
    }

    private Map<String, String> settings(ModelInfo info, ImageDataset train) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("model", model);
        settings.put("data", data.describe());
        settings.put("train_images", Integer.toString(train.size()));
        settings.put("classes", Integer.toString(train.classes()));
        settings.put("batch", Integer.toString(batch));
        settings.put("seed", Long.toString(seed));
        settings.put("label_smoothing", Double.toString(labelSmoothing));
        settings.putAll(optimizer.settings());
        settings.putAll(data.settings());
        return settings;
    }

    /** A resume must continue the same run: the settings that shape it must not change. */
    private void requireSameSettings(Map<String, String> saved, Map<String, String> now) {
        StringBuilder differences = new StringBuilder();
        for (Map.Entry<String, String> e : now.entrySet()) {
            String before = saved.get(e.getKey());
            if (before != null && !before.equals(e.getValue())) {
                differences.append("; ").append(e.getKey()).append(" was ").append(before).append(", now ")
                        .append(e.getValue());
            }
        }
        if (!differences.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--resume: the checkpoint in " + checkpoint
                    + " comes from a run with other settings" + differences
                    + " (use the same options, or another --checkpoint)");
        }
    }
}
