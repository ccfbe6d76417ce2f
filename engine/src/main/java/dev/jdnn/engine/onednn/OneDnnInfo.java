package dev.jdnn.engine.onednn;

import java.nio.file.Path;

/**
 * What {@code jdnn doctor} reports about the loaded oneDNN.
 *
 * @param version   {@code 3.11.0}, from {@code dnnl_version()}
 * @param gitHash   the commit oneDNN was built from
 * @param cpuIsa    the instruction set its kernels dispatch to ({@code dnnl_get_effective_cpu_isa()}), e.g.
 *                  {@code avx512_core_amx}
 * @param library   the file loaded, or {@code null} when found by name in the system
 * @param source    {@code override}, {@code cache} or {@code system}
 */
public record OneDnnInfo(String version, String gitHash, String cpuIsa, Path library, String source) {
}
