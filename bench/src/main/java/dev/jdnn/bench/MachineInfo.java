package dev.jdnn.bench;

import dev.jdnn.engine.kernel.Vectorization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a figure was measured: CPU model, logical processors, JVM, and the vector width the kernels use; printed
 * with every benchmark result so numbers from different machines are never confused.
 */
public record MachineInfo(String cpu, int logicalProcessors, String jvm, String kernels) {

    public static MachineInfo current() {
        return new MachineInfo(cpuModel(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + Runtime.version(), Vectorization.describe());
    }

    private static String cpuModel() {
        return cpuInfoField("model name").orElse(System.getProperty("os.arch"));
    }

    /** The first {@code name: value} line of {@code /proc/cpuinfo} (empty when not Linux or not readable). */
    public static Optional<String> cpuInfoField(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.toLowerCase(Locale.ROOT).startsWith(name)) {
                    return Optional.of(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable
        }
        return Optional.empty();
    }

    /** {@code AMD EPYC, 2 logical processors, OpenJDK 64-Bit Server VM 25.0.3+9-LTS, Vector API, 512-bit}. */
    @Override
    public String toString() {
        return cpu + ", " + logicalProcessors + " logical processors, " + jvm + ", " + kernels;
    }
}
