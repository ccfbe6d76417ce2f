package dev.jdnn.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Provisioning oneDNN's libraries into a cache directory: verified by SHA-256, a damaged or truncated copy replaced by
 * a fresh one, concurrent provisioning never leaving a partial file, and a library that cannot load reported with
 * dlopen's reason instead of crashing the JVM.
 */
class DnnlLibraryProvisionTest {

    @TempDir
    Path cache;

    @Test
    void extractsBothLibrariesAndVerifiesThem() throws IOException {
        for (NativeFile file : List.of(DnnlLibrary.GOMP, DnnlLibrary.DNNL)) {
            Path provisioned = DnnlLibrary.provision(file, cache);
            assertEquals(cache.resolve(file.fileName()), provisioned);
            assertEquals(file.sha256(), DnnlLibrary.sha256(provisioned), file.fileName());
        }
        assertEquals(List.of(), leftoverTemporaryFiles(), "temporary files left in the cache");
    }

    @Test
    void aDamagedOrTruncatedCopyIsReplacedByAFreshOne() throws IOException {
        Path library = DnnlLibrary.provision(DnnlLibrary.GOMP, cache);
        byte[] good = Files.readAllBytes(library);

        Files.write(library, "not a shared library".getBytes(StandardCharsets.US_ASCII));
        assertEquals(DnnlLibrary.GOMP.sha256(), DnnlLibrary.sha256(DnnlLibrary.provision(DnnlLibrary.GOMP, cache)));

        Files.write(library, Arrays.copyOf(good, good.length / 2)); // an interrupted copy
        assertEquals(DnnlLibrary.GOMP.sha256(), DnnlLibrary.sha256(DnnlLibrary.provision(DnnlLibrary.GOMP, cache)));

        byte[] flipped = good.clone();
        flipped[flipped.length / 3] ^= 1; // one bit
        Files.write(library, flipped);
        assertEquals(DnnlLibrary.GOMP.sha256(), DnnlLibrary.sha256(DnnlLibrary.provision(DnnlLibrary.GOMP, cache)));
        assertEquals(List.of(), leftoverTemporaryFiles(), "temporary files left in the cache");
    }

    /** Many threads (standing in for JVMs started at once) provision into one empty directory. */
    @Test
    void concurrentProvisioningNeverLeavesAPartialFile() throws Exception {
        for (int round = 0; round < 3; round++) {
            Path directory = cache.resolve("round-" + round);
            List<Callable<String>> tasks = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                tasks.add(() -> DnnlLibrary.sha256(DnnlLibrary.provision(DnnlLibrary.GOMP, directory)));
            }
            try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
                for (Future<String> result : pool.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
                    assertEquals(DnnlLibrary.GOMP.sha256(), result.get());
                }
            }
            assertEquals(DnnlLibrary.GOMP.sha256(), DnnlLibrary.sha256(directory.resolve("libgomp.so.1")));
        }
        assertEquals(List.of(), leftoverTemporaryFiles(), "temporary files left in the cache");
    }

    @Test
    void aMissingResourceSaysWhatIsMissing() {
        NativeFile missing = new NativeFile("libnothing.so", "org/bytedeco/dnnl/linux-x86_64/libnothing.so", "00");
        IOException e = assertThrows(IOException.class, () -> DnnlLibrary.provision(missing, cache));
        assertTrue(e.getMessage().contains("the class path has no org/bytedeco/dnnl/linux-x86_64/libnothing.so"),
                e.getMessage());
        assertTrue(Files.notExists(cache.resolve("libnothing.so")));
    }

    @Test
    void aLibraryThatCannotLoadIsReportedWithItsReasonNotACrash() throws Exception {
        Path garbage = cache.resolve("libdnnl.so.3");
        Files.write(garbage, "this is not an ELF file".getBytes(StandardCharsets.US_ASCII));
        String output = runStatusProbe("-Djdnn.dnnl.library=" + garbage);
        assertTrue(output.contains("available=false"), output);
        assertTrue(output.contains("source=override"), output);
        assertTrue(output.contains(garbage.toString()), output);
        assertTrue(output.contains("invalid ELF header") || output.contains("file too short"),
                "the reason should carry dlopen's own words: " + output);
    }

    private static String runStatusProbe(String property) throws IOException, InterruptedException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", property, "-cp", System.getProperty("java.class.path"),
                StatusProbe.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the status probe did not finish");
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), () -> "the status probe failed (a crash?):\n" + text);
        return text;
    }

    private List<Path> leftoverTemporaryFiles() throws IOException {
        try (Stream<Path> files = Files.walk(cache)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
