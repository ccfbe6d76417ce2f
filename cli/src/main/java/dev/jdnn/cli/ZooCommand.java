package dev.jdnn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jdnn.engine.autograd.Trace;
import dev.jdnn.zoo.ModelInfo;
import dev.jdnn.zoo.Models;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code jdnn zoo}: every model of the registry with its published figures and its cost at the default input. */
@Command(name = "zoo",
        header = "List every model with its parameters, GMACs, input and published figures.",
        mixinStandardHelpOptions = true,
        description = {
            "List every model: key, family, year, parameters, GMACs (multiply-accumulates of the conv and linear",
            "layers for one image at the default input, from a shape-only trace), default input and the ImageNet",
            "top-5 error the seed texts quote."},
        sortOptions = false)
final class ZooCommand implements Callable<Integer> {

    @Mixin
    ReportOptions report;

    private record Row(ModelInfo info, long parameters, long macs) {
    }

    @Override
    public Integer call() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (ModelInfo info : Models.all()) {
            Trace trace = ModelTraces.trace(info.key(), info.classes(), info.channels(), info.height(), info.width());
            rows.add(new Row(info, trace.parameters(), trace.macs()));
        }
        report.print(() -> json(rows), out -> text(out, rows));
        return ExitCodes.OK;
    }

    private static void text(PrintWriter out, List<Row> rows) {
        out.printf(Locale.ROOT, "%-22s %-14s %4s %14s %9s %-11s %s%n", "model", "family", "year", "parameters", "GMACs",
                "input", "top-5 err");
        for (Row row : rows) {
            ModelInfo info = row.info();
            out.printf(Locale.ROOT, "%-22s %-14s %4d %,14d %9.4f %-11s %s%n", info.key(), info.family(), info.year(),
                    row.parameters(), row.macs() / 1e9, info.inputText(),
                    info.top5ErrorPercent() == null ? "" : info.top5ErrorPercent() + "%");
        }
        out.flush();
    }

    private static String json(List<Row> rows) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode models = mapper.createArrayNode();
        for (Row row : rows) {
            ModelInfo info = row.info();
            ObjectNode model = models.addObject();
            model.put("key", info.key());
            model.put("family", info.family());
            model.put("paper", info.paper());
            model.put("year", info.year());
            model.put("params", row.parameters());
            model.put("macs", row.macs());
            model.put("input", info.inputText());
            model.put("classes", info.classes());
            if (info.top5ErrorPercent() != null) {
                model.put("top5_error_percent", info.top5ErrorPercent());
            }
        }
        ObjectNode root = mapper.createObjectNode();
        root.set("models", models);
        return mapper.writeValueAsString(root);
    }
}
