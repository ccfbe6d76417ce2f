package dev.jdnn.engine.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * Runs {@link VerboseProbe} in a child JVM with oneDNN's verbose log on ({@code ONEDNN_VERBOSE=1}) and reads which
 * implementation oneDNN says executed each ResNet-50 and VGG-16 convolution: a {@code ref:} one means a layout or
 * attribute mistake that costs 10-100x. (A child process, because oneDNN prints from C to the process's stdout, which
 * surefire uses to talk to its forked JVM.)
 */
class OneDnnVerboseTest {

    private static final long TIMEOUT_SECONDS = 120;

    @Test
    void noResNet50OrVgg16ConvolutionRunsAReferenceImplementation(TestReporter reporter)
            throws IOException, InterruptedException {
        assumeTrue(OneDnn.isAvailable(), () -> "oneDNN is not available: " + OneDnn.status().reason());
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx1g",
                "-cp", System.getProperty("java.class.path")));
        String library = System.getProperty("jdnn.dnnl.library");
        if (library != null) {
            command.add("-Djdnn.dnnl.library=" + library);
        }
        command.add(VerboseProbe.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("ONEDNN_VERBOSE", "1");
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes(); // until the child closes stdout
        boolean finished = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String log = new String(output, StandardCharsets.UTF_8);
        assertTrue(finished, "the verbose probe did not finish in " + TIMEOUT_SECONDS + " s");
        assertEquals(0, process.exitValue(), () -> "the verbose probe failed:\n" + log);

        List<String> executed = new ArrayList<>();
        List<String> reference = new ArrayList<>();
        for (String line : log.split("\n")) {
            // onednn_verbose,v1,primitive,exec,cpu,convolution,brg_conv_fwd:avx512_core,forward_inference,...
            String[] fields = line.split(",");
            int exec = List.of(fields).indexOf("exec");
            if (!line.startsWith("onednn_verbose") || exec < 0 || fields.length < exec + 5
                    || !fields[exec + 2].equals("convolution")) {
                continue;
            }
            String implementation = fields[exec + 3];
            executed.add(implementation);
            if (implementation.startsWith("ref")) {
                reference.add(line);
            }
        }
        reporter.publishEntry("convolution implementations executed", String.join(" ", executed));
        assertEquals(OneDnnConv2dForwardTest.resnet50AndVgg16().size(), executed.size(),
                () -> "expected one verbose exec line per convolution; the log was:\n" + log);
        assertTrue(reference.isEmpty(), () -> "oneDNN ran a reference implementation for:\n"
                + String.join("\n", reference));
    }
}
