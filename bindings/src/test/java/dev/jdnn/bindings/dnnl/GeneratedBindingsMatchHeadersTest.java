package dev.jdnn.bindings.dnnl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jdnn.nativelib.DnnlLibrary;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the generated bindings against oneDNN's real C headers, compiled by {@code gcc}: every constant of
 * {@link dnnl_h}, and the size, field offsets and field sizes of every struct class, found by reflection so that a
 * newly generated symbol is checked without touching this test. Then calls two functions through the real library.
 */
class GeneratedBindingsMatchHeadersTest {

    private static final String PACKAGE = dnnl_h.class.getPackageName();

    @Test
    void everyConstantStructSizeAndFieldOffsetMatchesTheHeaders(@TempDir Path work) throws Exception {
        // What the Java side declares, keyed as the C program prints it.
        Map<String, Long> expected = new LinkedHashMap<>();
        StringBuilder body = new StringBuilder();
        Map<String, Long> constants = constants();
        for (Map.Entry<String, Long> constant : constants.entrySet()) {
            expected.put("constant " + constant.getKey(), constant.getValue());
            body.append("    printf(\"constant %s %lld\\n\", \"").append(constant.getKey()).append("\", (long long) (")
                    .append(constant.getKey()).append("));\n");
        }
        List<String> javaOnlyMismatches = new ArrayList<>();
        List<Class<?>> structs = structClasses();
        int fields = 0;
        for (Class<?> struct : structs) {
            String name = struct.getSimpleName();
            GroupLayout layout = (GroupLayout) struct.getMethod("layout").invoke(null);
            long sizeof = (long) struct.getMethod("sizeof").invoke(null);
            if (sizeof != layout.byteSize()) {
                javaOnlyMismatches.add(name + ".sizeof() is " + sizeof + " but its layout is " + layout.byteSize());
            }
            expected.put("sizeof " + name, sizeof);
            body.append("    printf(\"sizeof %s %zu\\n\", \"").append(name).append("\", sizeof(").append(name)
                    .append("));\n");
            for (MemoryLayout member : layout.memberLayouts()) {
                if (member instanceof PaddingLayout) {
                    continue;
                }
                String field = member.name().orElseThrow(() -> new AssertionError(name + " has an unnamed field"));
                long offset = layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
                long declaredOffset = (long) struct.getMethod(field + "$offset").invoke(null);
                if (declaredOffset != offset) {
                    javaOnlyMismatches.add(name + "." + field + "$offset() is " + declaredOffset
                            + " but its layout puts the field at " + offset);
                }
                String key = name + "." + field;
                expected.put("offsetof " + key, offset);
                expected.put("sizeof " + key, member.byteSize());
                body.append("    printf(\"offsetof %s %zu\\n\", \"").append(key).append("\", offsetof(").append(name)
                        .append(", ").append(field).append("));\n");
                body.append("    printf(\"sizeof %s %zu\\n\", \"").append(key).append("\", sizeof(((").append(name)
                        .append(" *) 0)->").append(field).append("));\n");
                fields++;
            }
        }
        // Guard against a vacuous pass if reflection stopped finding what the generator writes.
        assertTrue(constants.keySet().containsAll(List.of("dnnl_success", "dnnl_f32", "dnnl_nchw", "DNNL_ARG_SRC",
                "DNNL_MAX_NDIMS")), "dnnl_h lacks constants it must have; found " + constants.size());
        assertEquals(List.of("dnnl_exec_arg_t", "dnnl_version_t"),
                structs.stream().map(Class::getSimpleName).toList());

        String program = "#include <stddef.h>\n#include <stdio.h>\n#include \"oneapi/dnnl/dnnl.h\"\n\n"
                + "int main(void) {\n" + body + "    return 0;\n}\n";
        Map<String, Long> actual = compileAndRun(work, program);

        List<String> mismatches = new ArrayList<>(javaOnlyMismatches);
        expected.forEach((key, javaValue) -> {
            Long cValue = actual.get(key);
            if (!javaValue.equals(cValue)) {
                mismatches.add(key + ": Java " + javaValue + ", C " + (cValue == null ? "(not printed)" : cValue));
            }
        });
        assertTrue(mismatches.isEmpty(), mismatches.size() + " of " + expected.size()
                + " values differ between the generated bindings and oneDNN's headers (regenerate with"
                + " bindings/generator/generate_dnnl_bindings.py):\n  " + String.join("\n  ", mismatches));
        System.out.printf("checked %d constants, %d structs, %d fields (offset and size) against the headers%n",
                constants.size(), structs.size(), fields);
    }

    @Test
    @SuppressWarnings("restricted") // reinterpret: dnnl_version returns a pointer to a static dnnl_version_t
    void versionThroughTheLibrary() {
        requireOneDnn();
        MemorySegment version = dnnl_h.dnnl_version().reinterpret(dnnl_version_t.sizeof());
        assertEquals(3, dnnl_version_t.major(version), "major");
        assertEquals(11, dnnl_version_t.minor(version), "minor");
    }

    @Test
    void sgemmIsRowMajor() {
        requireOneDnn();
        // C := alpha A B + beta C with A 2x3, B 3x2, C 2x2, all row-major (dnnl.h: "stored in row-major order").
        // A B = [[58, 64], [139, 154]]; every intermediate is a small integer or half of one, exact in f32, so the
        // result must match exactly. alpha != beta, so swapping them would show.
        float alpha = 0.5f;
        float beta = 2f;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1, 2, 3, 4, 5, 6);
            MemorySegment b = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 7, 8, 9, 10, 11, 12);
            MemorySegment c = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1, 2, 3, 4);
            int status = dnnl_h.dnnl_sgemm((byte) 'N', (byte) 'N', 2, 2, 3, alpha, a, 3, b, 2, beta, c, 2);
            assertEquals(dnnl_h.dnnl_success(), status, "dnnl_sgemm status");
            float[] expected = {0.5f * 58 + 2 * 1, 0.5f * 64 + 2 * 2, 0.5f * 139 + 2 * 3, 0.5f * 154 + 2 * 4};
            assertArrayEquals(expected, c.toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    /** oneDNN is expected to load on every machine that runs these tests: unavailability is a failure. */
    private static void requireOneDnn() {
        assertTrue(DnnlLibrary.isAvailable(),
                () -> "oneDNN " + DnnlLibrary.VERSION + " could not be loaded: " + DnnlLibrary.status().reason());
    }

    /**
     * The constants of {@link dnnl_h}: its public static no-argument methods returning {@code int} or {@code long},
     * except functions (those have a {@code $descriptor} companion, e.g. {@code dnnl_get_effective_cpu_isa}).
     */
    private static Map<String, Long> constants() throws ReflectiveOperationException {
        List<Method> methods = Stream.of(dnnl_h.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()))
                .filter(m -> m.getParameterCount() == 0)
                .filter(m -> m.getReturnType() == int.class || m.getReturnType() == long.class)
                .filter(m -> !isFunction(m.getName()))
                .sorted((x, y) -> x.getName().compareTo(y.getName()))
                .toList();
        Map<String, Long> constants = new LinkedHashMap<>();
        for (Method method : methods) {
            constants.put(method.getName(), ((Number) method.invoke(null)).longValue());
        }
        return constants;
    }

    private static boolean isFunction(String name) {
        try {
            dnnl_h.class.getMethod(name + "$descriptor");
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** The classes of the generated package that have a {@code public static GroupLayout layout()}. */
    private static List<Class<?>> structClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(dnnl_h.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names;
        if (Files.isDirectory(root)) {
            names = classNames(root.resolve(PACKAGE.replace('.', '/')));
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(root)) {
                names = classNames(jar.getPath(PACKAGE.replace('.', '/')));
            }
        }
        List<Class<?>> structs = new ArrayList<>();
        for (String name : names) {
            Class<?> type = Class.forName(PACKAGE + "." + name);
            try {
                Method layout = type.getMethod("layout");
                if (Modifier.isStatic(layout.getModifiers()) && layout.getReturnType() == GroupLayout.class) {
                    structs.add(type);
                }
            } catch (NoSuchMethodException e) {
                // not a struct class
            }
        }
        return structs;
    }

    private static List<String> classNames(Path packageDirectory) throws IOException {
        try (Stream<Path> files = Files.list(packageDirectory)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".class") && !f.contains("$"))
                    .map(f -> f.substring(0, f.length() - ".class".length()))
                    .sorted()
                    .toList();
        }
    }

    /** Compiles {@code program} with gcc against oneDNN's headers, runs it, and parses its "key value" lines. */
    private static Map<String, Long> compileAndRun(Path work, String program) throws IOException, InterruptedException {
        Path include = DnnlLibrary.headerDirectory();
        assertTrue(Files.isRegularFile(include.resolve("oneapi/dnnl/dnnl.h")), "no oneapi/dnnl/dnnl.h in " + include);
        Path source = work.resolve("check_dnnl_bindings.c");
        Path executable = work.resolve("check_dnnl_bindings");
        Files.writeString(source, program);
        String compiled = run(work, List.of("gcc", "-std=c11", "-Wall", "-I" + include, "-o", executable.toString(),
                source.toString()), "compiling " + source + " against " + include);
        if (!compiled.isBlank()) {
            System.out.println("gcc said:\n" + compiled);
        }
        Map<String, Long> values = new LinkedHashMap<>();
        for (String line : run(work, List.of(executable.toString()), "running " + executable).split("\n")) {
            int space = line.lastIndexOf(' ');
            if (space > 0) {
                values.put(line.substring(0, space), Long.parseLong(line.substring(space + 1)));
            }
        }
        return values;
    }

    private static String run(Path directory, List<String> command, String what)
            throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            if (command.getFirst().equals("gcc")) {
                fail("this test compiles a C program against oneDNN's headers and needs gcc on the PATH, which is part"
                        + " of the test environment: install it (e.g. apt-get install gcc). " + e.getMessage());
            }
            throw e;
        }
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(what + " took more than 120 s");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            fail(what + " failed (exit " + process.exitValue() + "):\n" + text);
        }
        return text;
    }
}
