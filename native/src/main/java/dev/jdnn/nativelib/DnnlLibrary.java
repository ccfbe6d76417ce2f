package dev.jdnn.nativelib;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Finds and loads oneDNN's shared library, once per JVM.
 *
 * <p>Where it looks, in order: the path in {@code -Djdnn.dnnl.library} or {@code JDNN_DNNL_LIBRARY}; a per-user cache
 * ({@code $XDG_CACHE_HOME/jdnn}, else {@code ~/.cache/jdnn}) into which the copies carried by the
 * {@code org.bytedeco:dnnl} jar on the class path are extracted on first use and checked by SHA-256 on every start
 * (a damaged copy is replaced; two JVMs starting at once each write a temporary file and rename it atomically); then
 * the system's {@code libdnnl.so.3}. {@code libgomp.so.1} is loaded before {@code libdnnl.so.3}.
 *
 * <p>Nothing here throws at class loading: {@link #status()} says whether oneDNN is usable and, if not, why.
 */
public final class DnnlLibrary {

    /** The oneDNN release the carrier jar holds and the bindings were generated from. */
    public static final String VERSION = "3.11.0";
    /** The Maven coordinates of the carrier jar. */
    public static final String CARRIER = "org.bytedeco:dnnl:3.11-1.5.13:linux-x86_64";

    private static final String RESOURCE_DIRECTORY = "org/bytedeco/dnnl/linux-x86_64/";
    static final NativeFile GOMP = new NativeFile("libgomp.so.1", RESOURCE_DIRECTORY + "libgomp.so.1",
            "115302e45583ad3e8df681c0a5af4c8273b7399f764965280d70d8780e5ee454");
    static final NativeFile DNNL = new NativeFile("libdnnl.so.3", RESOURCE_DIRECTORY + "libdnnl.so.3",
            "a8948803c5718bac623b664be77fb47e24328e8693997e96e02c4308b0ee826f");
    private static final String REQUIREMENTS =
            "oneDNN " + VERSION + " here is built for Linux x86-64 and needs glibc 2.34+ and the libstdc++ of GCC 11+";
    private static final int RTLD_NOW = 2;

    /** Loaded on first use; the holder idiom makes it thread-safe and lazy. */
    private static final class Loaded {
        static final Arena ARENA = Arena.global();
        static final Result RESULT = load();
    }

    private record Result(DnnlStatus status, SymbolLookup lookup) {
    }

    private DnnlLibrary() {
    }

    /** Whether oneDNN is loaded and usable in this JVM (loads it on first call). */
    public static boolean isAvailable() {
        return status().available();
    }

    /** What was loaded from where, or why nothing could be (loads it on first call). */
    public static DnnlStatus status() {
        return Loaded.RESULT.status();
    }

    /** oneDNN's symbols, for the bindings. */
    public static SymbolLookup symbolLookup() {
        Result result = Loaded.RESULT;
        if (result.lookup() == null) {
            throw new DnnlUnavailableException("oneDNN is not available: " + result.status().reason());
        }
        return result.lookup();
    }

    /**
     * The OpenMP runtime oneDNN runs its threads on ({@code libgomp.so.1}, already loaded with oneDNN), for setting
     * its thread count.
     */
    public static SymbolLookup openMpLookup() {
        symbolLookup(); // loads oneDNN, or explains why it cannot
        return SymbolLookup.libraryLookup(GOMP.fileName(), Loaded.ARENA);
    }

    /**
     * The directory holding oneDNN's C headers ({@code oneapi/dnnl/dnnl.h} …), extracted from the carrier jar into the
     * cache; for generating and checking the bindings.
     */
    public static Path headerDirectory() throws IOException {
        Path directory = cacheDirectory().resolve("include");
        for (String header : List.of("dnnl.h", "dnnl_types.h", "dnnl_config.h", "dnnl_version.h", "dnnl_common.h",
                "dnnl_common_types.h", "dnnl_version_hash.h", "dnnl_debug.h", "dnnl_ukernel.h", "dnnl_ukernel_types.h",
                "dnnl_threadpool.h", "dnnl_graph.h", "dnnl_graph_types.h")) {
            String resource = RESOURCE_DIRECTORY + "include/oneapi/dnnl/" + header;
            if (DnnlLibrary.class.getClassLoader().getResource(resource) != null) {
                Path target = directory.resolve("oneapi/dnnl").resolve(header);
                if (!Files.exists(target)) {
                    extract(resource, target, null);
                }
            }
        }
        return directory;
    }

    private static Result load() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String override = System.getProperty("jdnn.dnnl.library");
        if (override == null || override.isBlank()) {
            override = System.getenv("JDNN_DNNL_LIBRARY");
        }
        if (override != null && !override.isBlank()) {
            Path library = Path.of(override.trim());
            if (!Files.isReadable(library)) {
                return unavailable("override", "the oneDNN library named by -Djdnn.dnnl.library / JDNN_DNNL_LIBRARY ("
                        + library + ") does not exist or cannot be read");
            }
            return open(library, "override");
        }
        if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return unavailable("none", REQUIREMENTS + "; this is " + System.getProperty("os.name") + " on " + arch
                    + ". Point -Djdnn.dnnl.library at a libdnnl built for this system, or use --backend java.");
        }
        if (DnnlLibrary.class.getClassLoader().getResource(DNNL.resourcePath()) != null) {
            try {
                Path directory = cacheDirectory();
                Path gomp = provision(GOMP, directory);
                Path dnnl = provision(DNNL, directory);
                boundOpenMpSpinning();
                String gompError = dlopen(gomp);
                if (gompError != null) {
                    return unavailable("cache", "cannot load " + gomp + ": " + gompError + " (" + REQUIREMENTS + ")");
                }
                return open(dnnl, "cache");
            } catch (IOException | RuntimeException e) {
                return unavailable("cache", "cannot provision oneDNN into the cache: " + e.getMessage());
            }
        }
        try {
            SymbolLookup lookup = SymbolLookup.libraryLookup(DNNL.fileName(), Loaded.ARENA);
            return new Result(new DnnlStatus(true, null, "system", null), lookup);
        } catch (IllegalArgumentException e) {
            return unavailable("none", "the " + CARRIER + " jar is not on the class path and the system has no "
                    + DNNL.fileName() + ". Build with ./mvnw (it brings the jar), or install oneDNN " + VERSION
                    + ", or point -Djdnn.dnnl.library at libdnnl.so.3");
        }
    }

    private static Result open(Path library, String source) {
        boundOpenMpSpinning();
        String error = dlopen(library);
        if (error != null) {
            return unavailable(source, "cannot load " + library + ": " + error + " (" + REQUIREMENTS + ")");
        }
        try {
            SymbolLookup lookup = SymbolLookup.libraryLookup(library, Loaded.ARENA);
            if (lookup.find("dnnl_version").isEmpty()) {
                return unavailable(source, library + " loaded but has no dnnl_version symbol: it is not oneDNN");
            }
            return new Result(new DnnlStatus(true, library, source, null), lookup);
        } catch (IllegalArgumentException e) {
            return unavailable(source, "cannot load " + library + ": " + e.getMessage());
        }
    }

    private static Result unavailable(String source, String reason) {
        return new Result(new DnnlStatus(false, null, source, reason), null);
    }

    /**
     * Bounds how long libgomp's idle threads spin before they sleep, {@code GOMP_SPINCOUNT=10000}, unless the user set
     * {@code GOMP_SPINCOUNT} or {@code OMP_WAIT_POLICY}; libgomp reads it when it loads, so this runs first. Measured
     * on 2 cores: with libgomp's default (300,000 spins) its threads kept spinning after each oneDNN call and jdnn's
     * SGEMM right after one fell from about 410 to 200 GFLOP/s; with {@code OMP_WAIT_POLICY=PASSIVE} (no spinning)
     * a tiny oneDNN convolution took 55 µs per call instead of 2 µs, the cost of waking the threads every time.
     * 10,000 spins kept the 2 µs and most of the SGEMM speed (about 360–370 GFLOP/s in the same alternation).
     */
    private static void boundOpenMpSpinning() {
        if (System.getenv("OMP_WAIT_POLICY") != null || System.getenv("GOMP_SPINCOUNT") != null) {
            return;
        }
        Linker linker = Linker.nativeLinker();
        MemorySegment setenv = linker.defaultLookup().find("setenv").orElse(null);
        if (setenv == null) {
            return;
        }
        MethodHandle handle = linker.downcallHandle(setenv,
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) handle.invokeExact(arena.allocateFrom("GOMP_SPINCOUNT"), arena.allocateFrom("10000"), 0);
        } catch (Throwable t) {
            // keep libgomp's default
        }
    }

    /**
     * Opens {@code library} with the system's {@code dlopen}, only to learn {@code dlerror}'s text when it fails (a
     * missing glibc version or libstdc++ symbol, a wrong architecture): {@link SymbolLookup#libraryLookup} does not
     * say why. Returns {@code null} on success; the handle stays open, as the library stays loaded anyway.
     */
    private static String dlopen(Path library) {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        MemorySegment open = libc.find("dlopen").orElse(null);
        MemorySegment error = libc.find("dlerror").orElse(null);
        if (open == null || error == null) {
            return null; // let libraryLookup try and report
        }
        MethodHandle dlopen = linker.downcallHandle(open,
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle dlerror = linker.downcallHandle(error, FunctionDescriptor.of(ValueLayout.ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = (MemorySegment) dlopen.invokeExact(arena.allocateFrom(library.toString()), RTLD_NOW);
            if (!handle.equals(MemorySegment.NULL)) {
                return null;
            }
            MemorySegment message = (MemorySegment) dlerror.invokeExact();
            return message.equals(MemorySegment.NULL) ? "dlopen failed" : message.reinterpret(4096).getString(0);
        } catch (Throwable t) {
            return "dlopen failed: " + t;
        }
    }

    /** {@code $XDG_CACHE_HOME/jdnn/dnnl-3.11.0-a8948803}, else under {@code ~/.cache}. */
    static Path cacheDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("jdnn").resolve("dnnl-" + VERSION + "-" + DNNL.sha256().substring(0, 8));
    }

    /** The cached copy of {@code file}, extracted (again) from the carrier jar when missing or damaged. */
    static Path provision(NativeFile file, Path directory) throws IOException {
        Path target = directory.resolve(file.fileName());
        if (Files.isRegularFile(target) && verified(file, target)) {
            return target;
        }
        extract(file.resourcePath(), target, file.sha256());
        stamp(file, target);
        return target;
    }

    /**
     * Whether {@code target} is {@code file}. Hashing oneDNN's 90 MB on every start cost more than a tenth of a second
     * of each launch, so a copy whose hash was checked gets a stamp beside it (the hash, the size and the modification
     * time it had then); a copy that still matches its stamp is not hashed again. Any write to the copy (a truncation,
     * a replacement, a flipped bit written back) changes its modification time, and the copy is hashed again.
     */
    private static boolean verified(NativeFile file, Path target) throws IOException {
        Path stamp = stampOf(target);
        if (Files.isRegularFile(stamp) && Files.readString(stamp, StandardCharsets.US_ASCII).equals(stampText(file,
                target))) {
            return true;
        }
        if (!file.sha256().equals(sha256(target))) {
            return false;
        }
        stamp(file, target);
        return true;
    }

    /** Writes {@code target}'s stamp (through a temporary file and a rename, as the library itself). */
    private static void stamp(NativeFile file, Path target) throws IOException {
        Path stamp = stampOf(target);
        Path temporary = Files.createTempFile(target.getParent(), stamp.getFileName() + ".", ".tmp");
        try {
            Files.writeString(temporary, stampText(file, target), StandardCharsets.US_ASCII);
            moveIntoPlace(temporary, stamp);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static Path stampOf(Path target) {
        return target.resolveSibling(target.getFileName() + ".verified");
    }

    private static String stampText(NativeFile file, Path target) throws IOException {
        return file.sha256() + " " + Files.size(target) + " " + Files.getLastModifiedTime(target).toInstant() + "\n";
    }

    /**
     * Copies a class-path resource to {@code target} through a temporary file in the same directory (fsync, then an
     * atomic rename), checking its SHA-256 when {@code expectedSha256} is given.
     */
    private static void extract(String resource, Path target, String expectedSha256) throws IOException {
        Files.createDirectories(target.getParent());
        Path temporary = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp");
        try {
            MessageDigest digest = sha256Digest();
            try (InputStream in = DnnlLibrary.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("the class path has no " + resource + " (is the " + CARRIER + " jar there?)");
                }
                try (DigestInputStream digesting = new DigestInputStream(in, digest);
                     OutputStream out = Files.newOutputStream(temporary, StandardOpenOption.TRUNCATE_EXISTING)) {
                    digesting.transferTo(out);
                }
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (expectedSha256 != null && !expectedSha256.equals(actual)) {
                throw new IOException(resource + " in the class path has SHA-256 " + actual + ", expected "
                        + expectedSha256 + ": the " + CARRIER + " jar is damaged or a different build; delete it from"
                        + " ~/.m2 and build again");
            }
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            moveIntoPlace(temporary, target);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Renames {@code temporary} over {@code target}: atomically where the file system can, else replacing it. */
    private static void moveIntoPlace(Path temporary, Path target) throws IOException {
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256Digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
