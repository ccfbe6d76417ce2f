package dev.jdnn.cli.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jdnn.engine.io.AtomicFiles;
import dev.jdnn.engine.train.EpochResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-epoch log of a run, in the checkpoint directory: {@code training-log.csv} (one row per epoch) and
 * {@code training-log.json} (the run's settings and the same rows), both rewritten atomically after every epoch (temp
 * file, then rename), so a crash leaves the last complete version. A resumed run reads the earlier epochs back from
 * the JSON.
 */
public final class TrainingLog {

    static final String CSV = "training-log.csv";
    static final String JSON = "training-log.json";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path directory;
    private final Map<String, String> settings;
    private final List<EpochResult> epochs = new ArrayList<>();

    /** A log in {@code directory} for a run with {@code settings}; keeps the epochs before {@code firstEpoch}. */
    public TrainingLog(Path directory, Map<String, String> settings, int firstEpoch) throws IOException {
        this.directory = directory;
        this.settings = settings;
        Path json = directory.resolve(JSON);
        if (firstEpoch > 1 && Files.exists(json)) {
            for (var row : MAPPER.readTree(json.toFile()).path("epochs")) {
                EpochResult result = new EpochResult(row.path("epoch").asInt(), row.path("train_loss").asDouble(),
                        row.path("train_accuracy").asDouble(), number(row, "test_loss"),
                        number(row, "test_accuracy"), number(row, "test_top5"), row.path("learning_rate").asDouble(),
                        row.path("seconds").asDouble(), row.path("images_per_second").asDouble());
                if (result.epoch() < firstEpoch) {
                    epochs.add(result);
                }
            }
        }
    }

    private static double number(com.fasterxml.jackson.databind.JsonNode row, String field) {
        var value = row.path(field);
        return value.isNumber() ? value.asDouble() : Double.NaN;
    }

    /** Adds an epoch and rewrites both files. */
    public void add(EpochResult result) throws IOException {
        epochs.add(result);
        AtomicFiles.writeString(directory.resolve(CSV), csv());
        AtomicFiles.writeString(directory.resolve(JSON), MAPPER.writeValueAsString(json()));
    }

    /** Every epoch so far (earlier runs' included when resuming). */
    public List<EpochResult> epochs() {
        return List.copyOf(epochs);
    }

    private String csv() {
        StringBuilder text = new StringBuilder(
                "epoch,train_loss,train_accuracy,test_loss,test_accuracy,test_top5,learning_rate,seconds,"
                        + "images_per_second\n");
        for (EpochResult e : epochs) {
            text.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%s,%s,%s,%.6g,%.3f,%.1f%n", e.epoch(), e.trainLoss(),
                    e.trainAccuracy(), csvNumber(e.testLoss()), csvNumber(e.testAccuracy()), csvNumber(e.testTop5()),
                    e.learningRate(), e.seconds(), e.imagesPerSecond()));
        }
        return text.toString();
    }

    private static String csvNumber(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.6f", value);
    }

    private ObjectNode json() {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode run = root.putObject("settings");
        settings.forEach(run::put);
        ArrayNode rows = root.putArray("epochs");
        for (EpochResult e : epochs) {
            ObjectNode row = rows.addObject();
            row.put("epoch", e.epoch());
            row.put("train_loss", e.trainLoss());
            row.put("train_accuracy", e.trainAccuracy());
            putNumber(row, "test_loss", e.testLoss());
            putNumber(row, "test_accuracy", e.testAccuracy());
            putNumber(row, "test_top5", e.testTop5());
            row.put("learning_rate", e.learningRate());
            row.put("seconds", e.seconds());
            row.put("images_per_second", e.imagesPerSecond());
        }
        return root;
    }

    private static void putNumber(ObjectNode row, String field, double value) {
        if (Double.isNaN(value)) {
            row.putNull(field);
        } else {
            row.put(field, value);
        }
    }
}
