package dev.jdnn.engine.backend;

import dev.jdnn.engine.onednn.OneDnn;
import dev.jdnn.engine.onednn.OneDnnBackend;
import java.lang.System.Logger.Level;
import java.util.Locale;

/**
 * Picks the backend a user asked for: {@code auto} (oneDNN where it loads, else the Java kernels after one warning
 * that says why), {@code java}, or {@code onednn} (an error naming the reason when oneDNN cannot load). The CLI's
 * {@code --backend} takes these names.
 */
public final class Backends {

    /** The names {@link #select} accepts. */
    public static final String CHOICES = "auto, java, onednn";

    private static volatile boolean warnedAboutFallback;

    private Backends() {
    }

    /**
     * The backend called {@code name} (case-insensitive). A oneDNN backend holds native resources: close it (it is
     * {@link AutoCloseable}) when done.
     *
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     * @throws IllegalStateException    for {@code onednn} when oneDNN cannot load, with the reason
     */
    public static Backend select(String name) {
        String choice = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (choice) {
            case "java" -> new JavaBackend();
            case "onednn" -> {
                if (!OneDnn.isAvailable()) {
                    throw new IllegalStateException("backend onednn was asked for, but oneDNN is not available: "
                            + OneDnn.status().reason() + " (run ./jdnn doctor)");
                }
                yield new OneDnnBackend();
            }
            case "auto" -> {
                if (OneDnn.isAvailable()) {
                    yield new OneDnnBackend();
                }
                warnFallback();
                yield new JavaBackend();
            }
            default -> throw new IllegalArgumentException(
                    "unknown backend '" + name + "': expected one of " + CHOICES);
        };
    }

    private static void warnFallback() {
        if (warnedAboutFallback) {
            return;
        }
        warnedAboutFallback = true;
        System.getLogger("dev.jdnn.engine").log(Level.WARNING,
                "oneDNN is not available, so jdnn runs on its Java kernels: " + OneDnn.status().reason());
    }
}
