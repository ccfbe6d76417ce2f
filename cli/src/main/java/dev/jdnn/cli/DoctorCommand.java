package dev.jdnn.cli;

import dev.jdnn.bench.MachineInfo;
import dev.jdnn.engine.kernel.Vectorization;
import dev.jdnn.engine.onednn.OneDnn;
import dev.jdnn.engine.onednn.OneDnnInfo;
import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.nativelib.DnnlStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jdnn doctor}: what this machine and JVM give jdnn, and what to do about anything missing. */
@Command(name = "doctor",
        mixinStandardHelpOptions = true,
        description = {"Check the JDK, the Vector API, the CPU's vector instructions, oneDNN and thread settings.",
            "Exit code 0 when everything is usable; 1 with the reasons otherwise."})
final class DoctorCommand implements Callable<Integer> {

    /** The CPU flags that decide which kernels can run fast. */
    private static final List<String> ISA_FLAGS = List.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw",
            "avx512vl", "avx512_vnni", "avx512_bf16", "avx512_fp16", "avx_vnni", "amx_tile", "amx_bf16", "amx_int8");

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> problems = new ArrayList<>();

        int feature = Runtime.version().feature();
        line(out, "JDK", Runtime.version() + " (" + System.getProperty("java.home") + ")");
        if (feature < 25) {
            problems.add("jdnn needs JDK 25 or newer; this is " + feature);
        }

        line(out, "Vector API", Vectorization.describe());
        if (!Vectorization.isAvailable()) {
            problems.add("the Vector API is off: " + Vectorization.unavailableReason());
        }

        line(out, "CPU", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " logical processors");
        Set<String> flags = cpuFlags();
        List<String> present = ISA_FLAGS.stream().filter(flags::contains).toList();
        line(out, "CPU vector ISA", flags.isEmpty() ? "unknown (no /proc/cpuinfo)" : String.join(" ", present));

        DnnlStatus status = OneDnn.status();
        if (status.available()) {
            Optional<OneDnnInfo> info = OneDnn.info();
            info.ifPresent(i -> {
                line(out, "oneDNN", i.version() + (i.gitHash().isEmpty() ? "" : " (" + i.gitHash() + ")"));
                line(out, "oneDNN library", (i.library() != null ? i.library().toString() : "libdnnl.so.3 (system)")
                        + " [" + i.source() + "]");
                line(out, "oneDNN dispatches to", i.cpuIsa());
            });
        } else {
            line(out, "oneDNN", "NOT AVAILABLE");
            problems.add("oneDNN: " + status.reason() + " (jdnn falls back to its Java kernels)");
        }

        line(out, "threads", Parallel.threads() + " (--threads, -Djdnn.threads) for jdnn's kernels"
                + (status.available() ? " and for oneDNN's OpenMP (now " + OneDnn.threadsOfCallingThread() + ")" : "")
                + "; OpenMP waiting: " + Optional.ofNullable(System.getenv("OMP_WAIT_POLICY"))
                        .map(v -> "OMP_WAIT_POLICY=" + v)
                        .orElse("GOMP_SPINCOUNT=" + Optional.ofNullable(System.getenv("GOMP_SPINCOUNT"))
                                .orElse("10000 (set by jdnn)")));

        if (problems.isEmpty()) {
            out.println();
            out.println("Everything jdnn uses is available.");
            out.flush();
            return ExitCodes.OK;
        }
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        err.println();
        for (String problem : problems) {
            err.println("problem: " + problem);
        }
        err.flush();
        return ExitCodes.FAILURE;
    }

    private static void line(PrintWriter out, String what, String value) {
        out.printf("%-22s %s%n", what + ":", value);
    }

    private static String cpuModel() {
        return MachineInfo.current().cpu();
    }

    private static Set<String> cpuFlags() {
        return MachineInfo.cpuInfoField("flags").<Set<String>>map(f -> new TreeSet<>(Arrays.asList(f.split("\\s+"))))
                .orElse(Set.of());
    }
}
