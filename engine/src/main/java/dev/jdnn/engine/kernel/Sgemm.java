package dev.jdnn.engine.kernel;

import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Single-precision matrix multiply, {@code C = alpha · op(A) · op(B) + beta · C}, row-major, on off-heap operands.
 *
 * <p>The driver packs B into panels of {@code nr} columns (all of it, once, in parallel) and, per task, blocks of A
 * into panels of {@code mr} rows, {@value #KC} deep; tasks are blocks of C ({@value #MC} rows × a group of B panels)
 * spread over {@link Parallel}; the register-blocked {@link SgemmMicroKernel} (Vector API when available) computes
 * each {@code mr × nr} tile. Edges are handled by zero padding in the packed panels and masked stores.
 *
 * <p>BLAS semantics: when {@code beta == 0} C is only written (NaNs in it do not propagate); when
 * {@code alpha == 0} A and B are not read.
 */
public final class Sgemm {

    /** Depth of a packed panel (the K block). */
    static final int KC = 256;
    /** Rows of C per task (the M block). */
    static final int MC = 128;
    /** Target width of a task's group of B panels, in columns. */
    private static final int TASK_COLUMNS = 384;

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
    private static final SgemmMicroKernel PREFERRED =
            Vectorization.load(SgemmMicroKernel.class, "SimdSgemmMicroKernel", ScalarSgemmMicroKernel::new);
    private static final ThreadLocal<PackingBuffer> PACKED_A = ThreadLocal.withInitial(PackingBuffer::new);
    private static final ThreadLocal<PackingBuffer> PACKED_B = ThreadLocal.withInitial(PackingBuffer::new);

    private Sgemm() {
    }

    /** The micro-kernel in use: the Vector API one when available, else the scalar one. */
    public static SgemmMicroKernel preferredMicroKernel() {
        return PREFERRED;
    }

    /** The micro-kernel that runs without the Vector API. */
    public static SgemmMicroKernel scalarMicroKernel() {
        return new ScalarSgemmMicroKernel();
    }

    /**
     * {@code c = alpha · op(a) · op(b) + beta · c} on rank-2 f32 tensors: {@code op(a)} is (M, K) — {@code a} is
     * (M, K), or (K, M) when {@code transA} — {@code op(b)} is (K, N), and {@code c} is (M, N).
     */
    public static void sgemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        a.shape().requireRank(2, "sgemm: a", transA ? "K, M" : "M, K");
        b.shape().requireRank(2, "sgemm: b", transB ? "N, K" : "K, N");
        c.shape().requireRank(2, "sgemm: c", "M, N");
        a.requireDType(DType.F32, "sgemm: a");
        b.requireDType(DType.F32, "sgemm: b");
        c.requireDType(DType.F32, "sgemm: c");
        int m = transA ? a.dim(1) : a.dim(0);
        int k = transA ? a.dim(0) : a.dim(1);
        int kOfB = transB ? b.dim(1) : b.dim(0);
        int n = transB ? b.dim(0) : b.dim(1);
        if (kOfB != k) {
            throw new IllegalArgumentException(
                    "sgemm: inner dimensions differ: op(a) is (" + m + ", " + k + ") but op(b) is (" + kOfB + ", " + n
                            + ") (a " + a.shape() + (transA ? " transposed" : "") + ", b " + b.shape()
                            + (transB ? " transposed" : "") + ")");
        }
        if (c.dim(0) != m || c.dim(1) != n) {
            throw new IllegalArgumentException(
                    "sgemm: c must be (" + m + ", " + n + ") for op(a) (" + m + ", " + k + ") times op(b) (" + k + ", "
                            + n + "), got " + c.shape());
        }
        sgemm(PREFERRED, transA, transB, m, n, k, alpha, a.segment("sgemm: a"), 0, a.dim(1), b.segment("sgemm: b"), 0,
                b.dim(1), beta, c.segment("sgemm: c"), 0, c.dim(1));
    }

    /**
     * The BLAS-style entry on raw memory, offsets in elements: {@code op(A)} is (m, k) with rows (or columns, when
     * {@code transA}) {@code lda} elements apart, and so on. Checks that every operand lies inside its segment.
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                             float beta, MemorySegment c, long cOffset, int ldc) {
        sgemm(PREFERRED, transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    /** As {@link #sgemm(boolean, boolean, int, int, int, float, MemorySegment, long, int, MemorySegment, long, int, float, MemorySegment, long, int)} with a chosen micro-kernel (tests run each one). */
    public static void sgemm(SgemmMicroKernel kernel, boolean transA, boolean transB, int m, int n, int k, float alpha,
                             MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                             float beta, MemorySegment c, long cOffset, int ldc) {
        requirePositive(m, "m");
        requirePositive(n, "n");
        requirePositive(k, "k");
        requireMatrix(a, aOffset, lda, transA ? k : m, transA ? m : k, "a");
        requireMatrix(b, bOffset, ldb, transB ? n : k, transB ? k : n, "b");
        requireMatrix(c, cOffset, ldc, m, n, "c");
        if (alpha == 0f) {
            scale(beta, m, n, c, cOffset, ldc);
            return;
        }
        new Plan(kernel, transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc).run();
    }

    private static void requirePositive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException("sgemm: " + name + " must be positive, got " + value);
        }
    }

    private static void requireMatrix(MemorySegment segment, long offset, int ld, int rows, int cols, String name) {
        if (ld < cols) {
            throw new IllegalArgumentException(
                    "sgemm: ld" + name + " must be at least " + cols + " (the row length of " + name + "), got " + ld);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("sgemm: offset of " + name + " must be >= 0, got " + offset);
        }
        long lastElement = offset + (long) (rows - 1) * ld + cols;
        long available = segment.byteSize() / Float.BYTES;
        if (lastElement > available) {
            throw new IllegalArgumentException(
                    "sgemm: " + name + " (" + rows + " × " + cols + ", ld " + ld + ", offset " + offset + ") needs "
                            + lastElement + " floats but its memory holds " + available);
        }
    }

    private static void scale(float beta, int m, int n, MemorySegment c, long cOffset, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long byteOffset = (cOffset + (long) i * ldc + j) * Float.BYTES;
                c.set(FLOAT, byteOffset, beta == 0f ? 0f : beta * c.get(FLOAT, byteOffset));
            }
        }
    }

    /** One call's blocking, packed B and tasks. Allocated once per call; the hot loops allocate nothing. */
    private static final class Plan {
        final SgemmMicroKernel kernel;
        final int mr;
        final int nr;
        final boolean transA;
        final boolean transB;
        final int m;
        final int n;
        final int k;
        final float alpha;
        final float beta;
        final MemorySegment a;
        final long aOffset;
        final int lda;
        final MemorySegment b;
        final long bOffset;
        final int ldb;
        final MemorySegment c;
        final long cOffset;
        final int ldc;
        final int kBlocks;
        final int nPanels;
        final int mBlocks;
        final int panelsPerTask;
        final int nGroups;
        final long packedBChunkBytes; // one K block of all B panels
        final MemorySegment packedB;

        Plan(SgemmMicroKernel kernel, boolean transA, boolean transB, int m, int n, int k, float alpha,
             MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
             float beta, MemorySegment c, long cOffset, int ldc) {
            this.kernel = kernel;
            this.mr = kernel.mr();
            this.nr = kernel.nr();
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.beta = beta;
            this.a = a;
            this.aOffset = aOffset;
            this.lda = lda;
            this.b = b;
            this.bOffset = bOffset;
            this.ldb = ldb;
            this.c = c;
            this.cOffset = cOffset;
            this.ldc = ldc;
            this.kBlocks = Math.ceilDiv(k, KC);
            this.nPanels = Math.ceilDiv(n, nr);
            this.mBlocks = Math.ceilDiv(m, MC);
            this.panelsPerTask = choosePanelsPerTask();
            this.nGroups = Math.ceilDiv(nPanels, panelsPerTask);
            this.packedBChunkBytes = (long) nPanels * KC * nr * Float.BYTES;
            this.packedB = PACKED_B.get().atLeast(packedBChunkBytes * kBlocks);
        }

        /** Enough tasks to keep every thread busy, each no wider than about {@value #TASK_COLUMNS} columns. */
        private int choosePanelsPerTask() {
            int panels = Math.max(1, Math.min(nPanels, TASK_COLUMNS / nr));
            int wanted = 2 * Parallel.threads();
            while (panels > 1 && (long) mBlocks * Math.ceilDiv(nPanels, panels) < wanted) {
                panels = Math.ceilDiv(panels, 2);
            }
            return panels;
        }

        void run() {
            Parallel.forEach(kBlocks * nPanels, (task, worker) -> packB(task / nPanels, task % nPanels));
            Parallel.forEach(mBlocks * nGroups, (task, worker) -> computeBlock(task / nGroups, task % nGroups));
        }

        /** Packs rows {@code [kb·KC, +KC)} of columns {@code [panel·nr, +nr)} of op(B), zero-padded to nr columns. */
        private void packB(int kBlock, int panel) {
            int k0 = kBlock * KC;
            int depth = Math.min(KC, k - k0);
            int j0 = panel * nr;
            int cols = Math.min(nr, n - j0);
            long target = kBlock * packedBChunkBytes + (long) panel * KC * nr * Float.BYTES;
            long rowBytes = (long) nr * Float.BYTES;
            for (int kk = 0; kk < depth; kk++) {
                long targetRow = target + kk * rowBytes;
                if (transB) {
                    long source = bOffset + (long) j0 * ldb + k0 + kk;
                    for (int jj = 0; jj < cols; jj++) {
                        packedB.set(FLOAT, targetRow + (long) jj * Float.BYTES,
                                b.getAtIndex(FLOAT, source + (long) jj * ldb));
                    }
                } else {
                    long sourceByte = (bOffset + (long) (k0 + kk) * ldb + j0) * Float.BYTES;
                    MemorySegment.copy(b, sourceByte, packedB, targetRow, (long) cols * Float.BYTES);
                }
                if (cols < nr) {
                    packedB.asSlice(targetRow + (long) cols * Float.BYTES, (long) (nr - cols) * Float.BYTES).fill((byte) 0);
                }
            }
        }

        /** Computes rows {@code [mBlock·MC, +MC)} × panels {@code [group·panelsPerTask, +panelsPerTask)} of C. */
        private void computeBlock(int mBlock, int group) {
            int i0 = mBlock * MC;
            int rows = Math.min(MC, m - i0);
            int microPanels = Math.ceilDiv(rows, mr);
            int firstPanel = group * panelsPerTask;
            int lastPanel = Math.min(nPanels, firstPanel + panelsPerTask);
            int j0 = firstPanel * nr;
            int cols = Math.min(lastPanel * nr, n) - j0;
            // beta other than 0 and 1: scale this block of C once, then accumulate into it.
            boolean overwriteFirst = beta == 0f;
            if (!overwriteFirst && beta != 1f) {
                scale(beta, rows, cols, c, cOffset + (long) i0 * ldc + j0, ldc);
            }
            long packedABytes = (long) microPanels * mr * KC * Float.BYTES;
            // The per-thread buffer holds the packed A block and, after it, one scratch tile for partial tiles.
            MemorySegment packedA = PACKED_A.get().atLeast(packedABytes + (long) mr * nr * Float.BYTES);
            long ldcBytes = (long) ldc * Float.BYTES;
            for (int kBlock = 0; kBlock < kBlocks; kBlock++) {
                int k0 = kBlock * KC;
                int depth = Math.min(KC, k - k0);
                packA(packedA, i0, rows, k0, depth);
                boolean accumulate = kBlock > 0 || !overwriteFirst;
                long packedBChunk = kBlock * packedBChunkBytes;
                for (int panel = firstPanel; panel < lastPanel; panel++) {
                    int panelJ0 = panel * nr;
                    int panelCols = Math.min(nr, n - panelJ0);
                    long bByte = packedBChunk + (long) panel * KC * nr * Float.BYTES;
                    for (int micro = 0; micro < microPanels; micro++) {
                        int r0 = micro * mr;
                        int tileRows = Math.min(mr, rows - r0);
                        long aByte = (long) micro * mr * depth * Float.BYTES;
                        long cByte = (cOffset + (long) (i0 + r0) * ldc + panelJ0) * Float.BYTES;
                        if (tileRows == mr && panelCols == nr) {
                            if (accumulate) {
                                kernel.multiplyAdd(depth, packedA, aByte, packedB, bByte, c, cByte, ldcBytes);
                            } else {
                                kernel.multiply(depth, packedA, aByte, packedB, bByte, c, cByte, ldcBytes);
                            }
                        } else {
                            kernel.multiply(depth, packedA, aByte, packedB, bByte, packedA, packedABytes,
                                    (long) nr * Float.BYTES);
                            mergeTile(packedA, packedABytes, cByte, ldcBytes, tileRows, panelCols, accumulate);
                        }
                    }
                }
            }
        }

        /** {@code C[0:rows, 0:cols] = tile (+ C)} for a partial tile computed into scratch. */
        private void mergeTile(MemorySegment tile, long tileByte, long cByte, long ldcBytes, int rows, int cols,
                               boolean accumulate) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    float value = tile.get(FLOAT, tileByte + (long) (r * nr + j) * Float.BYTES);
                    long target = cByte + r * ldcBytes + (long) j * Float.BYTES;
                    c.set(FLOAT, target, accumulate ? c.get(FLOAT, target) + value : value);
                }
            }
        }

        /**
         * Packs rows {@code [i0, i0+rows)} × columns {@code [k0, k0+depth)} of op(A), times alpha, into mr-row panels,
         * zero-padded.
         */
        private void packA(MemorySegment packedA, int i0, int rows, int k0, int depth) {
            int microPanels = Math.ceilDiv(rows, mr);
            for (int micro = 0; micro < microPanels; micro++) {
                long panelByte = (long) micro * mr * depth * Float.BYTES;
                int r0 = micro * mr;
                int valid = Math.min(mr, rows - r0);
                if (transA) {
                    for (int kk = 0; kk < depth; kk++) {
                        long sourceByte = (aOffset + (long) (k0 + kk) * lda + i0 + r0) * Float.BYTES;
                        long targetByte = panelByte + (long) kk * mr * Float.BYTES;
                        for (int r = 0; r < valid; r++) {
                            packedA.set(FLOAT, targetByte + (long) r * Float.BYTES,
                                    alpha * a.get(FLOAT, sourceByte + (long) r * Float.BYTES));
                        }
                    }
                } else {
                    for (int r = 0; r < valid; r++) {
                        long source = aOffset + (long) (i0 + r0 + r) * lda + k0;
                        for (int kk = 0; kk < depth; kk++) {
                            packedA.set(FLOAT, panelByte + (long) (kk * mr + r) * Float.BYTES,
                                    alpha * a.getAtIndex(FLOAT, source + kk));
                        }
                    }
                }
                if (valid < mr) {
                    for (int kk = 0; kk < depth; kk++) {
                        for (int r = valid; r < mr; r++) {
                            packedA.set(FLOAT, panelByte + (long) (kk * mr + r) * Float.BYTES, 0f);
                        }
                    }
                }
            }
        }
    }
}
