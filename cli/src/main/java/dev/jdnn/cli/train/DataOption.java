package dev.jdnn.cli.train;

import dev.jdnn.engine.data.FashionMnist;
import dev.jdnn.engine.data.ImageDataset;
import dev.jdnn.engine.data.Mnist;
import dev.jdnn.engine.train.LabeledBatches;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --data KIND[:PATH]} and the options that shape the data of {@code jdnn train} and {@code jdnn eval}: which
 * data set, how much of it, augmentation. Opens the train and test splits and turns them into batches.
 */
public final class DataOption {

    @Option(names = "--data", paramLabel = "KIND[:PATH]",
            description = "fashion-mnist[:DIR] (default DIR /usr/share/datasets/fashion-mnist, from Debian's "
                    + "dataset-fashion-mnist), mnist[:DIR] (IDX files) (default: ${DEFAULT-VALUE}).",
            defaultValue = "fashion-mnist")
    String spec;

    @Option(names = "--train-subset", paramLabel = "N",
            description = "Train on the first N training images only (default: all).")
    Integer trainSubset;

    @Option(names = "--test-subset", paramLabel = "N",
            description = "Test on the first N test images only (default: all).")
    Integer testSubset;

    /** The train and test splits ({@code test} may be null). */
    public record Split(ImageDataset train, ImageDataset test) {
    }

    /** What {@code --data} names, for messages and logs ({@code fashion-mnist:/usr/share/...}). */
    public String describe() {
        return spec;
    }

    /** Opens the splits; a missing or malformed data set is a clear error, never a stack trace. */
    public Split open(CommandSpec command) {
        String kind = spec;
        Path path = null;
        int colon = spec.indexOf(':');
        if (colon >= 0) {
            kind = spec.substring(0, colon);
            path = Path.of(spec.substring(colon + 1));
        }
        try {
            Split split = switch (kind.toLowerCase(Locale.ROOT)) {
                case "fashion-mnist" -> new Split(
                        path == null ? FashionMnist.open(true) : FashionMnist.open(path, true),
                        path == null ? FashionMnist.open(false) : FashionMnist.open(path, false));
                case "mnist" -> new Split(path == null ? Mnist.open(true) : Mnist.open(path, true),
                        path == null ? Mnist.open(false) : Mnist.open(path, false));
                default -> throw new ParameterException(command.commandLine(), "--data: unknown data set '" + kind
                        + "'; use fashion-mnist[:DIR] or mnist[:DIR]");
            };
            return new Split(limit(command, split.train(), trainSubset, "--train-subset"),
                    split.test() == null ? null : limit(command, split.test(), testSubset, "--test-subset"));
        } catch (IOException e) {
            throw new ParameterException(command.commandLine(), "--data " + spec + ": " + e.getMessage(), e);
        }
    }

    private static ImageDataset limit(CommandSpec command, ImageDataset data, Integer count, String option) {
        if (count == null) {
            return data;
        }
        if (count < 1 || count > data.size()) {
            throw new ParameterException(command.commandLine(), option + " must be in [1, " + data.size() + "], got "
                    + count);
        }
        return data.first(count);
    }

    /** Batches of {@code data}: shuffled per epoch from {@code seed} when {@code shuffle}, in order otherwise. */
    public LabeledBatches batches(ImageDataset data, int batchSize, boolean shuffle, long seed) {
        return new DatasetBatches(data, batchSize, shuffle, seed);
    }

    /** The data settings recorded in logs and checkpoints. */
    public Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("train_subset", trainSubset == null ? "all" : trainSubset.toString());
        return settings;
    }
}
