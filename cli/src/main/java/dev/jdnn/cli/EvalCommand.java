package dev.jdnn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jdnn.cli.train.DataOption;
import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.Backends;
import dev.jdnn.engine.data.ImageDataset;
import dev.jdnn.engine.io.SafeTensors;
import dev.jdnn.engine.io.SafeTensorsFile;
import dev.jdnn.engine.io.StateDicts;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.train.Accuracy;
import dev.jdnn.engine.train.LabeledBatches;
import dev.jdnn.engine.train.Loss;
import dev.jdnn.engine.train.Trainer;
import dev.jdnn.zoo.ModelInfo;
import dev.jdnn.zoo.Models;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code jdnn eval MODEL --weights FILE}: accuracy, per-class accuracy and the confusion matrix on a test set. */
@Command(name = "eval",
        header = "Evaluate weights on a test set: top-1/top-5, per class, confusion matrix.",
        mixinStandardHelpOptions = true,
        description = {
            "Evaluate MODEL with the weights in FILE (a safetensors state dict with torchvision's names, as jdnn train",
            "writes them) on the test split of --data: top-1 and top-5 accuracy, mean loss, per-class accuracy and",
            "the confusion matrix (rows: true class, columns: predicted)."},
        sortOptions = false)
final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model's zoo key.")
    String model;

    @Option(names = "--weights", paramLabel = "FILE", required = true,
            description = "The weights (.safetensors; e.g. checkpoints/MODEL/epoch-10.safetensors).")
    Path weights;

    @Mixin
    DataOption data;

    @Option(names = "--batch", paramLabel = "B", description = "Images per forward pass (default: ${DEFAULT-VALUE}).",
            defaultValue = "256")
    int batch;

    @Option(names = "--backend", paramLabel = "BACKEND",
            description = "auto, java or onednn (default: ${DEFAULT-VALUE}).", defaultValue = "auto")
    String backendName;

    @Mixin
    ThreadsOption threads;

    @Mixin
    ReportOptions report;

    @Override
    public Integer call() throws Exception {
        if (batch < 1) {
            throw new ParameterException(spec.commandLine(), "--batch must be at least 1, got " + batch);
        }
        if (!Files.isRegularFile(weights)) {
            throw new ParameterException(spec.commandLine(), "--weights: no such file: " + weights);
        }
        ModelInfo info = ZooKeys.info(spec, model);
        threads.apply();
        DataOption.Split split = data.open(spec, new dev.jdnn.engine.data.ImageShape(info.channels(), info.height(),
                info.width()), info.classes());
        ImageDataset test = split.test();
        if (test == null) {
            throw new ParameterException(spec.commandLine(), data.describe() + " has no test split to evaluate on");
        }
        Trainer.Evaluation evaluation;
        try (Backend backend = Backends.select(backendName);
             Module net = Models.create(model, test.classes());
             SafeTensorsFile file = SafeTensors.read(weights);
             LabeledBatches batches = data.batches(spec, split, test, batch, false, 0)) {
            StateDicts.load(net.stateDict(), file);
            evaluation = Trainer.evaluate(net, backend, batches, Loss.crossEntropy(0));
        }
        List<String> classes = test.classNames();
        report.print(() -> json(evaluation, classes), out -> text(out, evaluation, classes));
        return ExitCodes.OK;
    }

    private String json(Trainer.Evaluation evaluation, List<String> classes) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        Accuracy accuracy = evaluation.accuracy();
        root.put("model", model);
        root.put("weights", weights.toString());
        root.put("data", data.describe());
        root.put("images", accuracy.samples());
        root.put("top1", accuracy.top1());
        root.put("top5", accuracy.top5());
        root.put("loss", evaluation.loss());
        ObjectNode perClass = root.putObject("per_class");
        double[] values = accuracy.perClass();
        for (int c = 0; c < classes.size(); c++) {
            if (Double.isNaN(values[c])) {
                perClass.putNull(classes.get(c));
            } else {
                perClass.put(classes.get(c), values[c]);
            }
        }
        ArrayNode confusion = root.putArray("confusion");
        for (long[] row : accuracy.confusion()) {
            ArrayNode r = confusion.addArray();
            for (long v : row) {
                r.add(v);
            }
        }
        return mapper.writeValueAsString(root);
    }

    private void text(PrintWriter out, Trainer.Evaluation evaluation, List<String> classes) {
        Accuracy accuracy = evaluation.accuracy();
        out.printf(Locale.ROOT, "%s on %s (%d images): top-1 %.2f%%, top-5 %.2f%%, loss %.4f%n", model,
                data.describe(), accuracy.samples(), 100 * accuracy.top1(), 100 * accuracy.top5(), evaluation.loss());
        out.println();
        out.println("per-class accuracy:");
        double[] perClass = accuracy.perClass();
        int width = classes.stream().mapToInt(String::length).max().orElse(5);
        for (int c = 0; c < classes.size(); c++) {
            out.printf(Locale.ROOT, "  %-" + width + "s  %s%n", classes.get(c),
                    Double.isNaN(perClass[c]) ? "-" : String.format(Locale.ROOT, "%6.2f%%", 100 * perClass[c]));
        }
        out.println();
        out.println("confusion matrix (rows: true class, columns: predicted):");
        long[][] confusion = accuracy.confusion();
        StringBuilder header = new StringBuilder(" ".repeat(width + 6));
        for (int c = 0; c < classes.size(); c++) {
            header.append(String.format(Locale.ROOT, "%6d", c));
        }
        out.println(header);
        for (int r = 0; r < confusion.length; r++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %2d %-" + width + "s", r,
                    classes.get(r)));
            for (long v : confusion[r]) {
                row.append(String.format(Locale.ROOT, "%6d", v));
            }
            out.println(row);
        }
        out.flush();
    }
}
