package dev.jdnn.engine.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.JavaBackend;
import dev.jdnn.engine.onednn.OneDnn;
import dev.jdnn.engine.onednn.OneDnnBackend;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The backends an operation test runs on, opened once per test class: {@code java} always, {@code onednn} when it can
 * load, else a visible skip ({@code assumeTrue}) naming the reason.
 */
public final class TestBackends implements AutoCloseable {

    /** Every backend name, for {@code @MethodSource}. */
    public static final List<String> NAMES = List.of("java", "onednn");

    /** {@link #NAMES}, for {@code @MethodSource("dev.jdnn.engine.testing.TestBackends#names")}. */
    public static List<String> names() {
        return NAMES;
    }

    private final Map<String, Backend> open = new HashMap<>();

    /** The backend {@code name}, opened on first use; skips the test when it is oneDNN and oneDNN cannot load. */
    public synchronized Backend get(String name) {
        if (name.equals("onednn")) {
            assumeTrue(OneDnn.isAvailable(), () -> "oneDNN is not available: " + OneDnn.status().reason());
        }
        return open.computeIfAbsent(name, n -> switch (n) {
            case "java" -> new JavaBackend();
            case "onednn" -> new OneDnnBackend();
            default -> throw new IllegalArgumentException("no backend named " + n);
        });
    }

    /** Whether oneDNN can be compared against; the test is skipped (visibly) when not. */
    public static void requireOneDnn() {
        assumeTrue(OneDnn.isAvailable(), () -> "oneDNN is not available: " + OneDnn.status().reason());
    }

    /** A new oneDNN backend, or {@code null} when oneDNN cannot load (tests then skip with {@link #requireOneDnn}). */
    public static OneDnnBackend oneDnnIfAvailable() {
        return OneDnn.isAvailable() ? new OneDnnBackend() : null;
    }

    /** Closes every backend given that is not {@code null}. */
    public static void closeAll(Backend... backends) {
        for (Backend backend : backends) {
            if (backend != null) {
                backend.close();
            }
        }
    }

    @Override
    public synchronized void close() {
        open.values().forEach(Backend::close);
        open.clear();
    }
}
