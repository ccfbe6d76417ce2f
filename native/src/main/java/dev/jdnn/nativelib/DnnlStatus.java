package dev.jdnn.nativelib;

import java.nio.file.Path;

/**
 * The answer to "is oneDNN available, and if not, why?": where the library was loaded from and how it was found, or
 * a reason a person can act on.
 *
 * @param available whether the library is loaded and usable
 * @param library   the file that was loaded ({@code null} when unavailable or loaded from the system by name)
 * @param source    how it was found: {@code override}, {@code cache}, {@code system}, or {@code none}
 * @param reason    when unavailable: what failed and what to do; otherwise {@code null}
 */
public record DnnlStatus(boolean available, Path library, String source, String reason) {
}
