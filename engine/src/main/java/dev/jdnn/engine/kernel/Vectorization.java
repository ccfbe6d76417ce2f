package dev.jdnn.engine.kernel;

import java.lang.System.Logger.Level;
import java.util.function.Supplier;

/**
 * Decides once whether the Vector API kernels ({@code dev.jdnn.engine.kernel.simd}, the only package that imports
 * {@code jdk.incubator.vector}) can run, and loads them by name so that nothing else links against the incubator
 * module. Without it the scalar kernels run, after one warning that names the missing JVM flag.
 *
 * <p>{@code -Djdnn.vector=false} turns the vector kernels off; {@code -Djdnn.vector.bits=128|256|512} narrows the
 * vector width (tests use it to exercise other shapes of tails).
 */
public final class Vectorization {

    private static final String SIMD_PACKAGE = "dev.jdnn.engine.kernel.simd.";
    private static final String UNAVAILABLE_REASON = findUnavailableReason();
    private static volatile boolean warned;

    private Vectorization() {
    }

    private static String findUnavailableReason() {
        if ("false".equalsIgnoreCase(System.getProperty("jdnn.vector", "true"))) {
            return "turned off by -Djdnn.vector=false";
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "the JVM was started without --add-modules jdk.incubator.vector";
        }
        return null;
    }

    /** Whether the vector kernels are in use. */
    public static boolean isAvailable() {
        return UNAVAILABLE_REASON == null;
    }

    /** Width in bits of the float vectors the kernels use (128, 256 or 512), or 0 when they run scalar. */
    public static int vectorBitSize() {
        java.util.function.IntSupplier width = loadSimd(java.util.function.IntSupplier.class, "VectorWidth");
        return width == null ? 0 : width.getAsInt();
    }

    /** One line for reports: {@code Vector API, 512-bit} or {@code scalar kernels (reason)}. */
    public static String describe() {
        int bits = vectorBitSize();
        return bits > 0 ? "Vector API, " + bits + "-bit" : "scalar kernels (" + UNAVAILABLE_REASON + ")";
    }

    /** Why the vector kernels are not in use, or {@code null} if they are. */
    public static String unavailableReason() {
        return UNAVAILABLE_REASON;
    }

    /**
     * The vector implementation {@code simdClassName} (a public class with a public no-argument constructor in
     * {@code dev.jdnn.engine.kernel.simd}) if the Vector API is usable, else {@code scalar}.
     */
    public static <T> T load(Class<T> type, String simdClassName, Supplier<? extends T> scalar) {
        T simd = loadSimd(type, simdClassName);
        return simd != null ? simd : scalar.get();
    }

    /** The vector implementation, or {@code null} when the Vector API is not usable (after one warning). */
    public static <T> T loadSimd(Class<T> type, String simdClassName) {
        if (UNAVAILABLE_REASON != null) {
            warnOnce(UNAVAILABLE_REASON);
            return null;
        }
        try {
            Class<?> implementation = Class.forName(SIMD_PACKAGE + simdClassName);
            return type.cast(implementation.getConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            warnOnce("loading " + simdClassName + " failed: " + e);
            return null;
        }
    }

    private static void warnOnce(String reason) {
        if (warned) {
            return;
        }
        warned = true;
        System.getLogger("dev.jdnn.engine").log(Level.WARNING,
                "jdnn runs its scalar kernels (slower): " + reason
                        + ". Add the JVM flag --add-modules jdk.incubator.vector (the ./jdnn launcher does).");
    }
}
