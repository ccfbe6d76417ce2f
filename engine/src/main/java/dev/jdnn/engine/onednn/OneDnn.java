package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_h;
import dev.jdnn.bindings.dnnl.dnnl_version_t;
import dev.jdnn.nativelib.DnnlLibrary;
import dev.jdnn.nativelib.DnnlStatus;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Optional;

/** Whether oneDNN is usable, what it is, and its plain calls (SGEMM) that need no primitive. */
public final class OneDnn {

    private OneDnn() {
    }

    /** Loads oneDNN on first call; says where from, or why it could not. */
    public static DnnlStatus status() {
        return DnnlLibrary.status();
    }

    public static boolean isAvailable() {
        return DnnlLibrary.isAvailable();
    }

    /**
     * The number of OpenMP threads oneDNN uses for a call from the current thread. jdnn sets it to the engine's
     * thread count ({@link dev.jdnn.engine.parallel.Parallel#setThreads}, the CLI's {@code --threads}) before each of
     * its oneDNN calls, on whichever thread makes them.
     */
    public static int threadsOfCallingThread() {
        OpenMpThreads.applyToCallingThread();
        return OpenMpThreads.maxThreadsOfCallingThread();
    }

    /** Version, build and dispatch ISA of the loaded oneDNN, or empty when it is not available. */
    @SuppressWarnings("restricted") // native memory of known size: oneDNN's own strings and structs
    public static Optional<OneDnnInfo> info() {
        DnnlStatus status = status();
        if (!status.available()) {
            return Optional.empty();
        }
        MemorySegment version = dnnl_h.dnnl_version().reinterpret(dnnl_version_t.sizeof());
        String text = dnnl_version_t.major(version) + "." + dnnl_version_t.minor(version) + "."
                + dnnl_version_t.patch(version);
        MemorySegment hash = dnnl_version_t.hash(version);
        String gitHash = hash.equals(MemorySegment.NULL) ? "" : hash.reinterpret(256).getString(0);
        return Optional.of(new OneDnnInfo(text, gitHash, isaName(dnnl_h.dnnl_get_effective_cpu_isa()),
                status.library(), status.source()));
    }

    /** The name of a {@code dnnl_cpu_isa_t} value, from the generated constants ({@code dnnl_cpu_isa_avx2} → avx2). */
    static String isaName(int isa) {
        final String prefix = "dnnl_cpu_isa_";
        String best = null;
        for (Method method : dnnl_h.class.getMethods()) {
            if (method.getName().startsWith(prefix) && method.getParameterCount() == 0
                    && Modifier.isStatic(method.getModifiers()) && method.getReturnType() == int.class) {
                try {
                    if ((int) method.invoke(null) == isa) {
                        String name = method.getName().substring(prefix.length());
                        // Aliases share a value (e.g. a "default"): prefer the longest, most specific name.
                        if (best == null || name.length() > best.length()) {
                            best = name;
                        }
                    }
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read " + method.getName() + " from the bindings", e);
                }
            }
        }
        return best != null ? best : "unknown (" + isa + ")";
    }

    /**
     * oneDNN's row-major SGEMM, {@code C = alpha·op(A)·op(B) + beta·C}, offsets in elements, as
     * {@link dev.jdnn.engine.kernel.Sgemm}'s raw entry takes them; for benchmarks side by side with ours.
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                             float beta, MemorySegment c, long cOffset, int ldc) {
        OpenMpThreads.applyToCallingThread();
        int status = dnnl_h.dnnl_sgemm((byte) (transA ? 'T' : 'N'), (byte) (transB ? 'T' : 'N'), m, n, k, alpha,
                a.asSlice(aOffset * Float.BYTES), lda, b.asSlice(bOffset * Float.BYTES), ldb, beta,
                c.asSlice(cOffset * Float.BYTES), ldc);
        OneDnnStatus.check(status, "dnnl_sgemm");
    }
}
