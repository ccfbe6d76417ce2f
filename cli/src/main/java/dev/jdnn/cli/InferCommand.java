package dev.jdnn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jdnn.engine.data.ImagePreprocessing;
import dev.jdnn.engine.infer.InferenceSession;
import dev.jdnn.engine.infer.NanInputException;
import dev.jdnn.engine.infer.NanInputs;
import dev.jdnn.engine.io.SafeTensors;
import dev.jdnn.engine.io.SafeTensorsFile;
import dev.jdnn.engine.io.StateDicts;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.zoo.ModelInfo;
import dev.jdnn.zoo.Models;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code jdnn infer MODEL --weights FILE (IMAGE... | --input FILE)}: classify images or run a tensor through a model. */
@Command(name = "infer",
        header = "Classify images or run a tensor through a model with given weights.",
        mixinStandardHelpOptions = true,
        description = {
            "Run MODEL with the weights in FILE (a safetensors state dict under torchvision's names: what jdnn train",
            "writes, or a torchvision state dict saved with safetensors; every name, shape and type is checked",
            "before anything loads) on images — resized (shorter side 256/224 of the input), centre-cropped and",
            "normalized (ImageNet's mean and std for RGB) — or on the tensor of --input; print the top-K classes with",
            "their probabilities, and write the raw logits to --output."},
        sortOptions = false)
final class InferCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model's zoo key.")
    String model;

    @Parameters(index = "1..*", paramLabel = "IMAGE", description = "PNG/JPEG/BMP/GIF images.")
    List<Path> images = new ArrayList<>();

    @Option(names = "--weights", paramLabel = "FILE", required = true, description = "The weights (.safetensors).")
    Path weights;

    @Option(names = "--input", paramLabel = "FILE",
            description = "A safetensors file whose tensor 'input' (or only tensor) of shape (N, C, H, W) is run "
                    + "instead of images.")
    Path input;

    @Option(names = "--output", paramLabel = "FILE", description = "Write the logits as tensor 'output' here.")
    Path output;

    @Option(names = "--top", paramLabel = "K", description = "Classes to print per image (default: ${DEFAULT-VALUE}).",
            defaultValue = "5")
    int top;

    @Option(names = "--classes", paramLabel = "K", description = "Classes of the weights (default: the model's).")
    Integer classes;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class names, one per line (default: indices).")
    Path labels;

    @Option(names = "--mean", paramLabel = "M[,M...]", split = ",",
            description = "Per-channel mean for images (default: ImageNet's for RGB, 0.5 for grey).")
    List<Float> mean;

    @Option(names = "--std", paramLabel = "S[,S...]", split = ",",
            description = "Per-channel std for images (default: ImageNet's for RGB, 0.5 for grey).")
    List<Float> std;

    @Option(names = "--backend", paramLabel = "BACKEND", description = "auto, java or onednn (default: ${DEFAULT-VALUE}).",
            defaultValue = "auto")
    String backend;

    @Option(names = "--nan", paramLabel = "POLICY", defaultValue = "reject",
            description = "NaN in the input: reject (an error naming where it is) or pass (compute on it, as PyTorch"
                    + " does) (default: ${DEFAULT-VALUE}).")
    String nan;

    @Mixin
    ThreadsOption threads;

    @Mixin
    ReportOptions report;

    @Override
    public Integer call() throws Exception {
        ModelInfo info = ZooKeys.info(spec, model);
        if ((input == null) == images.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give images or --input FILE, not both and not neither");
        }
        if (!Files.isRegularFile(weights)) {
            throw new ParameterException(spec.commandLine(), "--weights: no such file: " + weights);
        }
        if (top < 1) {
            throw new ParameterException(spec.commandLine(), "--top must be at least 1, got " + top);
        }
        NanInputs nanInputs = switch (nan) {
            case "reject" -> NanInputs.REJECT;
            case "pass" -> NanInputs.PASS_THROUGH;
            default -> throw new ParameterException(spec.commandLine(), "--nan must be reject or pass, got '" + nan
                    + "'");
        };
        threads.apply();
        int k = classes != null ? classes : info.classes();
        List<String> names = labels == null ? null : Files.readAllLines(labels);
        try (Module net = Models.create(model, k)) {
            try (SafeTensorsFile file = SafeTensors.read(weights)) {
                StateDicts.load(net.stateDict(), file);
            }
            try (Tensor x = input != null ? readInput(info) : readImages(info);
                 InferenceSession session = InferenceSession.compile(net, backend, x.shape(), nanInputs);
                 Tensor logits = run(session, x)) {
                if (output != null) {
                    SafeTensors.write(output, Map.of("output", logits), Map.of("model", model));
                }
                List<String> sources = new ArrayList<>();
                if (input != null) {
                    for (int n = 0; n < x.dim(0); n++) {
                        sources.add(input + "[" + n + "]");
                    }
                } else {
                    images.forEach(image -> sources.add(image.toString()));
                }
                float[] values = logits.toFloatArray();
                int rows = logits.dim(0);
                int columns = logits.dim(1);
                report.print(() -> json(values, rows, columns, sources, names),
                        out -> text(out, values, rows, columns, sources, names));
            }
        }
        return ExitCodes.OK;
    }

    /** The session's logits; an input refused for NaN is a problem of the file it came from (exit 1, not 2). */
    private Tensor run(InferenceSession session, Tensor x) throws IOException {
        try {
            return session.run(x);
        } catch (NanInputException e) {
            throw new IOException((input != null ? input.toString() : "the images") + ": " + e.getMessage(), e);
        }
    }

    private Tensor readInput(ModelInfo info) throws IOException {
        try (SafeTensorsFile file = SafeTensors.read(input)) {
            String name = file.contains("input") ? "input" : file.names().size() == 1 ? file.names().getFirst() : null;
            if (name == null) {
                throw new ParameterException(spec.commandLine(), "--input " + input + ": no tensor named 'input' "
                        + "among " + file.names());
            }
            Tensor tensor = file.tensor(name).copy();
            if (tensor.rank() != 4 || tensor.dim(1) != info.channels()) {
                Shape shape = tensor.shape();
                tensor.close();
                throw new ParameterException(spec.commandLine(), "--input " + input + ": tensor '" + name + "' must be "
                        + "(N, " + info.channels() + ", H, W), got " + shape);
            }
            return tensor;
        }
    }

    private Tensor readImages(ModelInfo info) throws IOException {
        int c = info.channels();
        float[] m = values(mean, c, c == 3 ? ImagePreprocessing.IMAGENET_MEAN : null, "--mean");
        float[] s = values(std, c, c == 3 ? ImagePreprocessing.IMAGENET_STD : null, "--std");
        int resize = (int) Math.round(info.height() * 256.0 / 224.0);
        int size = c * info.height() * info.width();
        float[] pixels = new float[images.size() * size];
        for (int i = 0; i < images.size(); i++) {
            float[] image = ImagePreprocessing.load(images.get(i), c, resize, info.height(), info.width(), m, s);
            System.arraycopy(image, 0, pixels, i * size, size);
        }
        return Tensor.of(pixels, images.size(), c, info.height(), info.width());
    }

    private float[] values(List<Float> given, int channels, float[] rgbDefault, String option) {
        if (given == null) {
            if (rgbDefault != null) {
                return rgbDefault;
            }
            float[] half = new float[channels];
            Arrays.fill(half, 0.5f);
            return half;
        }
        if (given.size() != channels) {
            throw new ParameterException(spec.commandLine(), option + " needs " + channels + " value(s), got "
                    + given.size());
        }
        float[] result = new float[channels];
        for (int i = 0; i < channels; i++) {
            result[i] = given.get(i);
        }
        return result;
    }

    /** The top classes of row {@code row}: indices by descending probability (softmax in double). */
    private int[] ranked(float[] logits, int row, int columns, double[] probabilities) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < columns; j++) {
            max = Math.max(max, logits[row * columns + j]);
        }
        double sum = 0;
        for (int j = 0; j < columns; j++) {
            probabilities[j] = Math.exp(logits[row * columns + j] - max);
            sum += probabilities[j];
        }
        Integer[] order = new Integer[columns];
        for (int j = 0; j < columns; j++) {
            probabilities[j] /= sum;
            order[j] = j;
        }
        Arrays.sort(order, (a, b) -> Double.compare(probabilities[b], probabilities[a]));
        int count = Math.min(top, columns);
        int[] best = new int[count];
        for (int i = 0; i < count; i++) {
            best[i] = order[i];
        }
        return best;
    }

    private static String label(List<String> names, int index) {
        return names != null && index < names.size() ? names.get(index) : "class " + index;
    }

    private void text(PrintWriter out, float[] logits, int rows, int columns, List<String> sources,
                      List<String> names) {
        double[] probabilities = new double[columns];
        for (int row = 0; row < rows; row++) {
            out.println(sources.get(row) + ":");
            for (int index : ranked(logits, row, columns, probabilities)) {
                out.printf(Locale.ROOT, "  %7.3f%%  %4d  %s%n", 100 * probabilities[index], index, label(names, index));
            }
        }
        if (output != null) {
            out.println("logits: " + output);
        }
        out.flush();
    }

    private String json(float[] logits, int rows, int columns, List<String> sources, List<String> names)
            throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode results = mapper.createArrayNode();
        double[] probabilities = new double[columns];
        for (int row = 0; row < rows; row++) {
            ObjectNode result = results.addObject();
            result.put("source", sources.get(row));
            ArrayNode classesNode = result.putArray("top");
            for (int index : ranked(logits, row, columns, probabilities)) {
                ObjectNode entry = classesNode.addObject();
                entry.put("class", index);
                entry.put("label", label(names, index));
                entry.put("probability", probabilities[index]);
            }
        }
        ObjectNode root = mapper.createObjectNode();
        root.put("model", model);
        root.set("results", results);
        return mapper.writeValueAsString(root);
    }
}
