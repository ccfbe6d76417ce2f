package dev.jdnn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jdnn.engine.autograd.Trace;
import dev.jdnn.zoo.ModelInfo;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code jdnn summary MODEL}: the layer table of a model from shape inference alone. */
@Command(name = "summary",
        header = "Print a model's layer table from shape inference alone.",
        mixinStandardHelpOptions = true,
        description = {
            "Print MODEL's layers in the order they run: name, op, output shape, parameters, multiply-accumulates and",
            "activation memory (f32, one image), with totals. From shape inference alone: no weights are allocated."},
        sortOptions = false)
final class SummaryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model's zoo key (jdnn zoo lists them).")
    String model;

    @Option(names = "--input", paramLabel = "CxHxW", description = "Input size (default: the model's).")
    String input;

    @Option(names = "--classes", paramLabel = "K", description = "Classes (default: the published model's).")
    Integer classes;

    @Mixin
    ReportOptions report;

    @Override
    public Integer call() throws Exception {
        ModelInfo info = ZooKeys.info(spec, model);
        int[] chw = input == null ? new int[] {info.channels(), info.height(), info.width()}
                : InputSizes.parse(spec, input);
        int k = classes == null ? info.classes() : classes;
        if (k < 1) {
            throw new ParameterException(spec.commandLine(), "--classes must be at least 1, got " + k);
        }
        Trace trace;
        try {
            trace = ModelTraces.trace(model, k, chw[0], chw[1], chw[2]);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), model + " does not take a " + chw[0] + "x" + chw[1] + "x"
                    + chw[2] + " input: " + e.getMessage(), e);
        }
        String inputText = chw[0] + "x" + chw[1] + "x" + chw[2];
        report.print(() -> json(trace, inputText, k), out -> text(out, trace, inputText, k));
        return ExitCodes.OK;
    }

    private void text(PrintWriter out, Trace trace, String inputText, int k) {
        out.printf(Locale.ROOT, "%s, input %s, %d classes%n", model, inputText, k);
        int nameWidth = Math.max(5, trace.layers().stream().mapToInt(l -> l.name().length()).max().orElse(5));
        int opWidth = Math.max(2, trace.layers().stream().mapToInt(l -> l.op().length()).max().orElse(2));
        String format = "%-" + nameWidth + "s  %-" + opWidth + "s  %-20s %,12d %,16d %12s%n";
        out.printf(Locale.ROOT, "%-" + nameWidth + "s  %-" + opWidth + "s  %-20s %12s %16s %12s%n", "layer", "op",
                "output", "params", "MACs", "activations");
        long activations = 0;
        for (Trace.Layer layer : trace.layers()) {
            activations += layer.activationBytes();
            out.printf(Locale.ROOT, format, layer.name().isEmpty() ? "(top)" : layer.name(), layer.op(),
                    layer.output().toString(), layer.parameters(), layer.macs(), bytes(layer.activationBytes()));
        }
        out.printf(Locale.ROOT, "total: %,d parameters (%s in f32), %,d MACs (%.3f GMACs), %s of activations%n",
                trace.parameters(), bytes(trace.parameters() * Float.BYTES), trace.macs(), trace.macs() / 1e9,
                bytes(activations));
        out.flush();
    }

    private static String bytes(long count) {
        if (count >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", count / (double) (1L << 20));
        }
        if (count >= 1L << 10) {
            return String.format(Locale.ROOT, "%.1f KiB", count / (double) (1L << 10));
        }
        return count + " B";
    }

    private String json(Trace trace, String inputText, int k) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("model", model);
        root.put("input", inputText);
        root.put("classes", k);
        root.put("params", trace.parameters());
        root.put("macs", trace.macs());
        ArrayNode layers = root.putArray("layers");
        long activations = 0;
        for (Trace.Layer layer : trace.layers()) {
            ObjectNode node = layers.addObject();
            node.put("name", layer.name());
            node.put("op", layer.op());
            ArrayNode shape = node.putArray("output");
            for (int d : layer.output().dims()) {
                shape.add(d);
            }
            node.put("params", layer.parameters());
            node.put("macs", layer.macs());
            node.put("activation_bytes", layer.activationBytes());
            activations += layer.activationBytes();
        }
        root.put("activation_bytes", activations);
        return mapper.writeValueAsString(root);
    }
}
