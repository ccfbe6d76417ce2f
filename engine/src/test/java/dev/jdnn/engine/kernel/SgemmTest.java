package dev.jdnn.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.ReferenceGemm;
import dev.jdnn.engine.testing.Tolerance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SgemmTest {

    private static final int[] SIZES = {1, 3, 8, 17, 64, 255};

    /** Every micro-kernel this JVM can run; the vector one is a visible skip when the Vector API is missing. */
    static Stream<Arguments> kernels() {
        SgemmMicroKernel simd = Vectorization.loadSimd(SgemmMicroKernel.class, "SimdSgemmMicroKernel");
        return Stream.of(Arguments.of("scalar", Sgemm.scalarMicroKernel()), Arguments.of("simd", simd));
    }

    static Stream<Arguments> shapes() {
        List<Arguments> cases = new ArrayList<>();
        for (Arguments kernel : kernels().toList()) {
            for (int m : SIZES) {
                for (int n : SIZES) {
                    for (int k : SIZES) {
                        cases.add(Arguments.of(kernel.get()[0], kernel.get()[1], m, n, k));
                    }
                }
            }
            // 1024 in every position, with the others small enough to keep the double reference quick.
            cases.add(Arguments.of(kernel.get()[0], kernel.get()[1], 1024, 17, 64));
            cases.add(Arguments.of(kernel.get()[0], kernel.get()[1], 3, 1024, 255));
            cases.add(Arguments.of(kernel.get()[0], kernel.get()[1], 64, 8, 1024));
            cases.add(Arguments.of(kernel.get()[0], kernel.get()[1], 1, 1, 1024));
            cases.add(Arguments.of(kernel.get()[0], kernel.get()[1], 255, 257, 513));
            // Last panels of exactly one and two vectors (16 and 32 columns with AVX-512), with and without K blocks.
            cases.add(Arguments.of(kernel.get()[0], kernel.get()[1], 17, 80, 33));
            cases.add(Arguments.of(kernel.get()[0], kernel.get()[1], 64, 32, Sgemm.KC + 9));
            // Deeper than one K block (Sgemm.KC): accumulation across blocks, a partial last block.
            cases.add(Arguments.of(kernel.get()[0], kernel.get()[1], 17, 33, 2 * Sgemm.KC + 5));
            cases.add(Arguments.of(kernel.get()[0], kernel.get()[1], 8, 48, Sgemm.KC + 1));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} m={2} n={3} k={4}")
    @MethodSource("shapes")
    void matchesReferenceOverAwkwardSizes(String name, SgemmMicroKernel kernel, int m, int n, int k) {
        assumeAvailable(kernel);
        check(kernel, false, false, m, n, k, 1f, 0f, m * 1_000_003L + n * 1009L + k);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void everyTransposeAlphaAndBeta(String name, SgemmMicroKernel kernel) {
        assumeAvailable(kernel);
        int[][] shapes = {{1, 1, 1}, {17, 33, 7}, {64, 49, 300}, {8, 255, 17}, {127, 3, 31}};
        float[][] scalars = {{1f, 0f}, {1f, 1f}, {0.5f, -2f}, {-1.5f, 0.25f}};
        for (int[] shape : shapes) {
            for (float[] scalar : scalars) {
                for (int variant = 0; variant < 4; variant++) {
                    check(kernel, (variant & 1) != 0, (variant & 2) != 0, shape[0], shape[1], shape[2], scalar[0],
                            scalar[1], 31L * variant + shape[0]);
                }
            }
        }
    }

    private static void check(SgemmMicroKernel kernel, boolean transA, boolean transB, int m, int n, int k,
                              float alpha, float beta, long seed) {
        float[] a = RandomData.uniform(seed, m * k);
        float[] b = RandomData.uniform(seed + 1, k * n);
        float[] c = RandomData.uniform(seed + 2, m * n);
        ReferenceGemm.Result expected = ReferenceGemm.sgemm(transA, transB, m, n, k, alpha, a, b, beta, c);
        float[] actual = run(kernel, transA, transB, m, n, k, alpha, a, b, beta, c);
        Tolerance.assertWithinReductionBound(expected.values(), expected.magnitudes(), actual, k + 1,
                "sgemm " + (transA ? "Aᵀ" : "A") + (transB ? "Bᵀ" : "B") + " m=" + m + " n=" + n + " k=" + k
                        + " alpha=" + alpha + " beta=" + beta);
    }

    private static float[] run(SgemmMicroKernel kernel, boolean transA, boolean transB, int m, int n, int k,
                               float alpha, float[] a, float[] b, float beta, float[] c) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment as = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a);
            MemorySegment bs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b);
            MemorySegment cs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, c);
            Sgemm.sgemm(kernel, transA, transB, m, n, k, alpha, as, 0, transA ? m : k, bs, 0, transB ? k : n, beta,
                    cs, 0, n);
            return cs.toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void betaZeroIgnoresNaNInC(String name, SgemmMicroKernel kernel) {
        assumeAvailable(kernel);
        int m = 19;
        int n = 50;
        int k = 9;
        float[] a = RandomData.uniform(5, m * k);
        float[] b = RandomData.uniform(6, k * n);
        float[] c = new float[m * n];
        Arrays.fill(c, Float.NaN);
        float[] actual = run(kernel, false, false, m, n, k, 1f, a, b, 0f, c);
        ReferenceGemm.Result expected = ReferenceGemm.sgemm(false, false, m, n, k, 1f, a, b, 0f, c);
        Tolerance.assertWithinReductionBound(expected.values(), expected.magnitudes(), actual, k, "beta = 0 over NaN");
    }

    @Test
    void alphaZeroDoesNotReadAOrB() {
        float[] a = new float[6];
        float[] b = new float[6];
        Arrays.fill(a, Float.NaN);
        Arrays.fill(b, Float.POSITIVE_INFINITY);
        float[] c = {1, 2, 3, 4};
        float[] actual = run(Sgemm.preferredMicroKernel(), false, false, 2, 2, 3, 0f, a, b, 3f, c);
        Tolerance.assertBitsEqual(new float[] {3, 6, 9, 12}, actual, "alpha = 0");
    }

    @Test
    void subMatricesWithLeadingDimensionsAndOffsets() {
        // C[2:5, 1:4] = A[1:4, 2:6] · B[0:4, 3:6] inside larger matrices.
        int m = 3;
        int n = 3;
        int k = 4;
        int lda = 9;
        int ldb = 7;
        int ldc = 6;
        float[] big = RandomData.uniform(77, 200);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment a = arena.allocateFrom(ValueLayout.JAVA_FLOAT, big);
            MemorySegment b = arena.allocateFrom(ValueLayout.JAVA_FLOAT, RandomData.uniform(78, 200));
            MemorySegment c = arena.allocate(ValueLayout.JAVA_FLOAT, 60);
            long aOffset = lda + 2;
            long bOffset = 3;
            long cOffset = 2L * ldc + 1;
            Sgemm.sgemm(false, false, m, n, k, 1f, a, aOffset, lda, b, bOffset, ldb, 0f, c, cOffset, ldc);
            for (int i = 0; i < 10 * ldc; i++) {
                int row = i / ldc;
                int col = i % ldc;
                float value = c.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                boolean inside = row >= 2 && row < 5 && col >= 1 && col < 4;
                if (!inside) {
                    assertEquals(0f, value, "sgemm wrote outside C's block at (" + row + ", " + col + ")");
                    continue;
                }
                double sum = 0;
                double magnitude = 0;
                for (int p = 0; p < k; p++) {
                    double term = (double) a.getAtIndex(ValueLayout.JAVA_FLOAT, aOffset + (row - 2) * (long) lda + p)
                            * b.getAtIndex(ValueLayout.JAVA_FLOAT, bOffset + (long) p * ldb + col - 1);
                    sum += term;
                    magnitude += Math.abs(term);
                }
                assertTrue(Math.abs(value - sum) <= Tolerance.reductionBound(k, magnitude),
                        "C(" + row + ", " + col + ") = " + value + ", expected " + sum);
            }
        }
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2, 3})
    void sameBitsWhateverTheThreadCount(int threads) {
        int m = 200;
        int n = 300;
        int k = 600;
        float[] a = RandomData.uniform(1, m * k);
        float[] b = RandomData.uniform(2, k * n);
        int before = Parallel.threads();
        float[] serial;
        float[] parallel;
        try {
            Parallel.setThreads(1);
            serial = run(Sgemm.preferredMicroKernel(), false, false, m, n, k, 1f, a, b, 0f, new float[m * n]);
            Parallel.setThreads(threads);
            parallel = run(Sgemm.preferredMicroKernel(), false, false, m, n, k, 1f, a, b, 0f, new float[m * n]);
        } finally {
            Parallel.setThreads(before);
        }
        Tolerance.assertBitsEqual(serial, parallel, "sgemm on " + threads + " threads vs 1");
    }

    @Test
    void prepackedAGivesTheSameBitsAsPackingEveryCall() {
        int[][] shapes = {{1, 1, 1}, {17, 33, 7}, {64, 49, 300}, {8, 255, 2 * Sgemm.KC + 3}, {130, 64, 17}};
        for (int[] shape : shapes) {
            int m = shape[0];
            int n = shape[1];
            int k = shape[2];
            for (int variant = 0; variant < 4; variant++) {
                boolean transA = (variant & 1) != 0;
                boolean transB = (variant & 2) != 0;
                float beta = variant == 3 ? 1.5f : 0f;
                float[] a = RandomData.uniform(m + 7L * variant, m * k);
                float[] b = RandomData.uniform(n + 11L * variant, k * n);
                float[] c = RandomData.uniform(k + 13L * variant, m * n);
                float[] expected = run(Sgemm.preferredMicroKernel(), transA, transB, m, n, k, 0.5f, a, b, beta, c);
                try (Arena arena = Arena.ofShared(); Sgemm.PackedA packed = Sgemm.PackedA.allocate(m, k)) {
                    MemorySegment as = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a);
                    MemorySegment bs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b);
                    MemorySegment cs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, c);
                    packed.pack(transA, 0.5f, as, 0, transA ? m : k);
                    Sgemm.sgemm(packed, transB, n, bs, 0, transB ? k : n, beta, cs, 0, n);
                    Tolerance.assertBitsEqual(expected, cs.toArray(ValueLayout.JAVA_FLOAT),
                            "prepacked sgemm m=" + m + " n=" + n + " k=" + k + " variant " + variant);
                }
            }
        }
    }

    @Test
    void rowByRowBGivesTheSameBitsAsAStoredB() {
        int[][] shapes = {{1, 1, 1}, {17, 33, 7}, {64, 49, 300}, {8, 255, 2 * Sgemm.KC + 3}, {130, 100, 17},
            {64, 96, 50}, {200, 61, 40}};
        for (int[] shape : shapes) {
            int m = shape[0];
            int n = shape[1];
            int k = shape[2];
            float[] a = RandomData.uniform(m, m * k);
            float[] b = RandomData.uniform(n, k * n);
            // The rows of B scattered over a larger buffer, in reverse order, with gaps of 3 floats.
            int slot = n + 3;
            float[] scattered = RandomData.uniform(k, k * slot + 5);
            long[] rowByteOffsets = new long[k];
            for (int kk = 0; kk < k; kk++) {
                int start = (k - 1 - kk) * slot + 2;
                System.arraycopy(b, kk * n, scattered, start, n);
                rowByteOffsets[kk] = (long) start * Float.BYTES;
            }
            for (float beta : new float[] {0f, 1f, 1.5f}) {
                float[] c = RandomData.uniform(m + n, m * n);
                try (Arena arena = Arena.ofShared(); Sgemm.PackedA packed = Sgemm.PackedA.allocate(m, k)) {
                    MemorySegment as = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a);
                    MemorySegment bs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b);
                    MemorySegment rows = arena.allocateFrom(ValueLayout.JAVA_FLOAT, scattered);
                    MemorySegment stored = arena.allocateFrom(ValueLayout.JAVA_FLOAT, c);
                    MemorySegment byRows = arena.allocateFrom(ValueLayout.JAVA_FLOAT, c);
                    packed.pack(false, 1f, as, 0, k);
                    Sgemm.sgemm(packed, false, n, bs, 0, n, beta, stored, 0, n);
                    Sgemm.sgemm(packed, rows, rowByteOffsets, n, beta, byRows, 0, n);
                    Tolerance.assertBitsEqual(stored.toArray(ValueLayout.JAVA_FLOAT),
                            byRows.toArray(ValueLayout.JAVA_FLOAT),
                            "row-by-row B, m=" + m + " n=" + n + " k=" + k + " beta=" + beta);
                }
            }
        }
    }

    @Test
    void rowByRowBRejectsRowsOutsideItsMemory() {
        try (Arena arena = Arena.ofConfined(); Sgemm.PackedA packed = Sgemm.PackedA.allocate(2, 3)) {
            MemorySegment a = arena.allocate(ValueLayout.JAVA_FLOAT, 6);
            MemorySegment b = arena.allocate(ValueLayout.JAVA_FLOAT, 10);
            MemorySegment c = arena.allocate(ValueLayout.JAVA_FLOAT, 8);
            assertMessage(IllegalStateException.class,
                    () -> Sgemm.sgemm(packed, b, new long[] {0, 0, 0}, 4, 0f, c, 0, 4),
                    "sgemm: the packed A was never packed");
            packed.pack(false, 1f, a, 0, 3);
            assertMessage(IllegalArgumentException.class,
                    () -> Sgemm.sgemm(packed, b, new long[] {0, 0}, 4, 0f, c, 0, 4),
                    "sgemm: B must have one row offset per row of B (3), got 2");
            assertMessage(IllegalArgumentException.class,
                    () -> Sgemm.sgemm(packed, b, new long[] {0, 24, 28}, 4, 0f, c, 0, 4),
                    "sgemm: row 2 of B (4 floats at byte 28) must lie float-aligned inside b (40 bytes)");
            assertMessage(IllegalArgumentException.class,
                    () -> Sgemm.sgemm(packed, b, new long[] {0, 2, 4}, 4, 0f, c, 0, 4),
                    "sgemm: row 1 of B (4 floats at byte 2)");
            assertMessage(IllegalArgumentException.class,
                    () -> Sgemm.sgemm(packed, b, new long[] {-4, 0, 4}, 4, 0f, c, 0, 4),
                    "sgemm: row 0 of B (4 floats at byte -4)");
            assertMessage(IllegalArgumentException.class,
                    () -> Sgemm.sgemm(packed, b, new long[] {0, 0, 0}, 5, 0f, c, 0, 5),
                    "sgemm: c (2 × 5, ld 5, offset 0) needs 10 floats but its memory holds 8");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void packingRowsByOffsetEqualsPackingAStoredPanel(String name, SgemmMicroKernel kernel) {
        assumeAvailable(kernel);
        int nr = kernel.nr();
        int depth = 37;
        int ld = nr + 5;
        float[] b = RandomData.uniform(9, depth * ld + 3);
        long[] offsets = new long[depth + 2];
        for (int kk = 0; kk < depth; kk++) {
            offsets[kk + 2] = ((long) kk * ld + 3) * Float.BYTES;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b);
            MemorySegment fromStored = arena.allocate((long) depth * nr * Float.BYTES + 8);
            MemorySegment fromRows = arena.allocate((long) depth * nr * Float.BYTES + 8);
            kernel.packBPanel(depth, bs, 3L * Float.BYTES, (long) ld * Float.BYTES, fromStored, 8);
            kernel.packBPanelRows(depth, bs, offsets, 2, 0, fromRows, 8);
            Tolerance.assertBitsEqual(fromStored.toArray(ValueLayout.JAVA_FLOAT),
                    fromRows.toArray(ValueLayout.JAVA_FLOAT), name + " packBPanelRows vs packBPanel");
        }
    }

    @Test
    void prepackedAMustBePackedFirst() {
        try (Arena arena = Arena.ofConfined(); Sgemm.PackedA packed = Sgemm.PackedA.allocate(4, 4)) {
            MemorySegment b = arena.allocate(ValueLayout.JAVA_FLOAT, 16);
            MemorySegment c = arena.allocate(ValueLayout.JAVA_FLOAT, 16);
            assertMessage(IllegalStateException.class, () -> Sgemm.sgemm(packed, false, 4, b, 0, 4, 0f, c, 0, 4),
                    "sgemm: the packed A was never packed");
            assertMessage(IllegalArgumentException.class, () -> packed.pack(false, 1f, b, 0, 3),
                    "sgemm: lda must be at least 4");
        }
    }

    @Test
    void tensorEntryChecksShapes() {
        try (Tensor a = Tensor.allocate(3, 4); Tensor b = Tensor.allocate(5, 6); Tensor c = Tensor.allocate(3, 6);
             Tensor rank3 = Tensor.allocate(1, 3, 4); Tensor b46 = Tensor.allocate(4, 6); Tensor c33 = Tensor.allocate(3, 3)) {
            assertMessage(IllegalArgumentException.class, () -> Sgemm.sgemm(false, false, 1f, a, b, 0f, c),
                    "sgemm: inner dimensions differ: op(a) is (3, 4) but op(b) is (5, 6)");
            assertMessage(IllegalArgumentException.class, () -> Sgemm.sgemm(false, false, 1f, rank3, b46, 0f, c),
                    "sgemm: a must be (M, K), got (1, 3, 4)");
            assertMessage(IllegalArgumentException.class, () -> Sgemm.sgemm(false, false, 1f, a, b46, 0f, c33),
                    "sgemm: c must be (3, 6) for op(a) (3, 4) times op(b) (4, 6), got (3, 3)");
            Tensor closed = Tensor.allocate(4, 6);
            closed.close();
            assertMessage(IllegalStateException.class, () -> Sgemm.sgemm(false, false, 1f, a, closed, 0f, c),
                    "sgemm: b is a closed tensor (4, 6)");
        }
    }

    @Test
    void tensorEntryComputesTransposedProducts() {
        float[] a = RandomData.uniform(3, 12);
        float[] b = RandomData.uniform(4, 20);
        try (Tensor at = Tensor.of(a, 4, 3); Tensor bt = Tensor.of(b, 5, 4); Tensor c = Tensor.allocate(3, 5)) {
            Sgemm.sgemm(true, true, 2f, at, bt, 0f, c);
            ReferenceGemm.Result expected = ReferenceGemm.sgemm(true, true, 3, 5, 4, 2f, a, b, 0f, new float[15]);
            Tolerance.assertWithinReductionBound(expected.values(), expected.magnitudes(), c.toFloatArray(), 4,
                    "sgemm(Aᵀ, Bᵀ) via tensors");
        }
    }

    @Test
    void rawEntryRejectsBadSizesAndShortMemory() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment small = arena.allocate(ValueLayout.JAVA_FLOAT, 10);
            MemorySegment big = arena.allocate(ValueLayout.JAVA_FLOAT, 100);
            assertMessage(IllegalArgumentException.class,
                    () -> Sgemm.sgemm(false, false, 0, 2, 2, 1f, big, 0, 2, big, 0, 2, 0f, big, 0, 2),
                    "sgemm: m must be positive, got 0");
            assertMessage(IllegalArgumentException.class,
                    () -> Sgemm.sgemm(false, false, 2, 2, -3, 1f, big, 0, 2, big, 0, 2, 0f, big, 0, 2),
                    "sgemm: k must be positive, got -3");
            assertMessage(IllegalArgumentException.class,
                    () -> Sgemm.sgemm(false, false, 4, 4, 4, 1f, small, 0, 4, big, 0, 4, 0f, big, 0, 4),
                    "sgemm: a (4 × 4, ld 4, offset 0) needs 16 floats but its memory holds 10");
            assertMessage(IllegalArgumentException.class,
                    () -> Sgemm.sgemm(false, false, 4, 4, 4, 1f, big, 0, 3, big, 0, 4, 0f, big, 0, 4),
                    "sgemm: lda must be at least 4 (the row length of a), got 3");
        }
    }

    private static void assertMessage(Class<? extends Throwable> type, org.junit.jupiter.api.function.Executable call,
                                      String expectedStart) {
        Throwable thrown = assertThrows(type, call);
        assertTrue(thrown.getMessage().startsWith(expectedStart),
                "message should start with [" + expectedStart + "] but was [" + thrown.getMessage() + "]");
    }

    private static void assumeAvailable(SgemmMicroKernel kernel) {
        Assumptions.assumeTrue(kernel != null, "Vector API unavailable: " + Vectorization.unavailableReason());
    }
}
