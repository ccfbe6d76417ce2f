package dev.jdnn.engine.kernel;

import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Single-precision matrix multiply, {@code C = alpha · op(A) · op(B) + beta · C}, row-major, on off-heap operands.
 *
 * <p>The driver first packs all of op(A) (times alpha) into row-major panels of {@code mr} rows — for untransposed A
 * with alpha 1 that is one bulk copy per row — and all of op(B) into panels of {@code nr} columns, {@value #KC} deep,
 * in parallel; then tasks — blocks of C, {@value #MC} rows × a group of B
 * panels — run over {@link Parallel}, each calling the register-blocked {@link SgemmMicroKernel} (Vector API when
 * available) per {@code mr × nr} tile. Edges are zero-padded in the panels; partial tiles of C go through a scratch
 * tile. Packed panels live in per-thread buffers that grow once and are reused, so repeated calls allocate nothing.
 *
 * <p>BLAS semantics: when {@code beta == 0} C is only written (NaNs in it do not propagate); when
 * {@code alpha == 0} A and B are not read.
 */
public final class Sgemm {

    /**
     * Depth of a packed panel (the K block). Deep panels amortize each micro-kernel call's set-up and C update: with
     * the micro-kernel alone on GEMM-like rotating panels, 256 gave 220–231 GFLOP/s on one core and 1024 gave 238–240;
     * in the whole SGEMM (1 thread, 1024³ and 2048³) 256 reached 77–79% of oneDNN's speed and 1024 85–86%.
     */
    static final int KC = 1024;
    /** Rows of C per task (the M block). */
    static final int MC = 128;
    /**
     * Below this many multiply-accumulates a product runs on the calling thread alone: waking the workers costs
     * microseconds, and on a loaded machine a worker that is not scheduled stalls every one of a small network's
     * many tiny GEMMs (LeNet's per-image convolutions).
     */
    static final long SERIAL_MACS = 1L << 18;
    /** Target width of a task's group of B panels, in columns. */
    private static final int TASK_COLUMNS = 384;

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
    private static final SgemmMicroKernel PREFERRED =
            Vectorization.load(SgemmMicroKernel.class, "SimdSgemmMicroKernel", ScalarSgemmMicroKernel::new);
    private static final ThreadLocal<PackingBuffer> PACKED_A = ThreadLocal.withInitial(PackingBuffer::new);
    private static final ThreadLocal<PackingBuffer> PACKED_B = ThreadLocal.withInitial(PackingBuffer::new);
    private static final ThreadLocal<PackingBuffer> TILE = ThreadLocal.withInitial(PackingBuffer::new);
    private static final ThreadLocal<PackingBuffer> PANEL = ThreadLocal.withInitial(PackingBuffer::new);
    private static final ThreadLocal<PackingArrays> PACKING_ARRAYS = ThreadLocal.withInitial(PackingArrays::new);

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
        new Plan(kernel, transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc, null,
                null).run(true);
    }

    /**
     * op(A) packed once for many products with different B — a convolution's weights for every image of a batch. Its
     * memory is allocated once ({@link #allocate}) and freed by {@link #close()}; {@link #pack} fills it again.
     */
    public static final class PackedA implements AutoCloseable {
        private final SgemmMicroKernel kernel;
        private final int m; // rows of op(A)
        private final int k; // columns of op(A)
        private final Arena arena = Arena.ofShared();
        private final MemorySegment segment;
        private boolean packed;

        private PackedA(SgemmMicroKernel kernel, int m, int k) {
            this.kernel = kernel;
            this.m = m;
            this.k = k;
            long bytes = (long) Math.ceilDiv(m, kernel.mr()) * kernel.mr() * Math.ceilDiv(k, KC) * KC * Float.BYTES;
            this.segment = arena.allocate(bytes, 64);
        }

        /** Room for a packed (m, k) op(A), for the preferred micro-kernel. */
        public static PackedA allocate(int m, int k) {
            requirePositive(m, "m");
            requirePositive(k, "k");
            return new PackedA(PREFERRED, m, k);
        }

        /** Packs {@code alpha · op(A)}; op(A) is (m, k), A stored (m, k), or (k, m) when {@code transA}. */
        public void pack(boolean transA, float alpha, MemorySegment a, long aOffset, int lda) {
            requireMatrix(a, aOffset, lda, transA ? k : m, transA ? m : k, "a");
            new Plan(kernel, transA, false, m, 1, k, alpha, a, aOffset, lda, a, 0, 1, 0f, segment, 0, 1, segment, null)
                    .packAOnly();
            packed = true;
        }

        public int rows() {
            return m;
        }

        public int depth() {
            return k;
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    /**
     * {@code C = A · op(B) + beta · C} with A already packed (alpha included): op(B) is (a.depth(), n), C is
     * (a.rows(), n); offsets in elements. The result is bit-identical to the unpacked entry's.
     */
    public static void sgemm(PackedA a, boolean transB, int n, MemorySegment b, long bOffset, int ldb, float beta,
                             MemorySegment c, long cOffset, int ldc) {
        if (!a.packed) {
            throw new IllegalStateException("sgemm: the packed A was never packed (call pack first)");
        }
        requirePositive(n, "n");
        requireMatrix(b, bOffset, ldb, transB ? n : a.k, transB ? a.k : n, "b");
        requireMatrix(c, cOffset, ldc, a.m, n, "c");
        new Plan(a.kernel, false, transB, a.m, n, a.k, 1f, a.segment, 0, a.k, b, bOffset, ldb, beta, c, cOffset, ldc,
                a.segment, null).run(false);
    }

    /**
     * {@code C = A · B + beta · C} with A already packed and B given row by row: row {@code kk} of B (a.depth() rows,
     * {@code n} columns) is the {@code n} floats starting at byte {@code rowByteOffsets[kk]} of {@code b}, wherever
     * that is. This is how a convolution multiplies by its column matrix without writing it: each row is a shifted
     * view of the padded input ({@link ShiftedColumns}). B's panels are packed inside each task, just before the
     * micro-kernels use them, so they are still in cache; there is no separate packing pass. Bit-identical to
     * {@link #sgemm(PackedA, boolean, int, MemorySegment, long, int, float, MemorySegment, long, int)} on the same B.
     */
    public static void sgemm(PackedA a, MemorySegment b, long[] rowByteOffsets, int n, float beta, MemorySegment c,
                             long cOffset, int ldc) {
        if (!a.packed) {
            throw new IllegalStateException("sgemm: the packed A was never packed (call pack first)");
        }
        requirePositive(n, "n");
        if (rowByteOffsets.length != a.k) {
            throw new IllegalArgumentException("sgemm: B must have one row offset per row of B (" + a.k + "), got "
                    + rowByteOffsets.length);
        }
        long rowBytes = (long) n * Float.BYTES;
        for (int kk = 0; kk < rowByteOffsets.length; kk++) {
            long offset = rowByteOffsets[kk];
            if (offset < 0 || offset % Float.BYTES != 0 || offset + rowBytes > b.byteSize()) {
                throw new IllegalArgumentException("sgemm: row " + kk + " of B (" + n + " floats at byte " + offset
                        + ") must lie float-aligned inside b (" + b.byteSize() + " bytes)");
            }
        }
        requireMatrix(c, cOffset, ldc, a.m, n, "c");
        new Plan(a.kernel, false, false, a.m, n, a.k, 1f, a.segment, 0, a.k, b, 0, n, beta, c, cOffset, ldc,
                a.segment, rowByteOffsets).run(false);
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

    /** One call's blocking, packed operands and tasks. Allocated once per call; the hot loops allocate nothing. */
    private static final class Plan {
        final SgemmMicroKernel kernel;
        final int mr;
        final int nr;
        final int lanes;
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
        final int mPanels;
        final int nPanels;
        final int mBlocks;
        final int panelsPerTask;
        final int nGroups;
        final int aPackTasksPerKBlock;
        final long aPanelBytes; // one packed A panel: mr rows of KC
        final long aRowBytes;   // KC floats
        final long bPanelBytes; // one packed B panel: KC × nr
        final MemorySegment packedA; // (kBlocks, mPanels, KC, mr)
        final MemorySegment packedB; // (kBlocks, nPanels, KC, nr); null when rowByteOffsets packs B per task
        final long[] rowByteOffsets; // B row by row (packed inside each task), or null

        Plan(SgemmMicroKernel kernel, boolean transA, boolean transB, int m, int n, int k, float alpha,
             MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
             float beta, MemorySegment c, long cOffset, int ldc, MemorySegment prepackedA, long[] rowByteOffsets) {
            this.kernel = kernel;
            this.mr = kernel.mr();
            this.nr = kernel.nr();
            this.lanes = kernel.lanes();
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
            this.mPanels = Math.ceilDiv(m, mr);
            this.nPanels = Math.ceilDiv(n, nr);
            this.mBlocks = Math.ceilDiv(m, MC);
            this.panelsPerTask = choosePanelsPerTask();
            this.nGroups = Math.ceilDiv(nPanels, panelsPerTask);
            this.aPackTasksPerKBlock = Math.ceilDiv(mPanels, MC / mr);
            this.aRowBytes = (long) KC * Float.BYTES;
            this.aPanelBytes = aRowBytes * mr;
            this.bPanelBytes = (long) KC * nr * Float.BYTES;
            this.packedA = prepackedA != null ? prepackedA : PACKED_A.get().atLeast(aPanelBytes * mPanels * kBlocks);
            this.rowByteOffsets = rowByteOffsets;
            this.packedB = rowByteOffsets != null ? null : PACKED_B.get().atLeast(bPanelBytes * nPanels * kBlocks);
        }

        /** Enough tasks to keep every thread busy, each no wider than about {@value #TASK_COLUMNS} columns. */
        private int choosePanelsPerTask() {
            int panels = Math.max(1, Math.min(nPanels, TASK_COLUMNS / nr));
            int threads = Parallel.threads();
            int wanted = 2 * threads;
            while (panels > 1 && (long) mBlocks * Math.ceilDiv(nPanels, panels) < wanted) {
                panels = Math.ceilDiv(panels, 2);
            }
            // Even out the groups: a task count that is a multiple of the threads, the panels spread over them, so
            // the last task does not leave the other threads waiting (66 panels: 10 groups of 7, not 9 of 8 and 2).
            long tasks = (long) mBlocks * Math.ceilDiv(nPanels, panels);
            long even = Math.ceilDiv(tasks, threads) * threads;
            int groups = (int) Math.max(1, even / mBlocks);
            return Math.max(1, Math.ceilDiv(nPanels, groups));
        }

        /** The tasks over the workers, or one after another here when the product is small. */
        private void forEach(int count, Parallel.Task task) {
            if ((long) m * n * k < SERIAL_MACS) {
                for (int i = 0; i < count; i++) {
                    task.run(i, 0);
                }
            } else {
                Parallel.forEach(count, task);
            }
        }

        /** Packs op(A) only, into {@code packedA}: what {@link PackedA#pack} runs. */
        void packAOnly() {
            forEach(kBlocks * aPackTasksPerKBlock,
                    (task, worker) -> packABlock(task / aPackTasksPerKBlock, task % aPackTasksPerKBlock));
        }

        /**
         * Phase 1: pack op(A) (times alpha, unless {@code packA} is false because it came packed) and op(B) once, in
         * parallel. Phase 2: blocks of C.
         */
        void run(boolean packA) {
            if (rowByteOffsets != null) {
                forEach(mBlocks * nGroups, (task, worker) -> computeBlock(task % mBlocks, task / mBlocks));
                return;
            }
            int aTasks = packA ? kBlocks * aPackTasksPerKBlock : 0;
            forEach(aTasks + kBlocks * nPanels, (task, worker) -> {
                if (task < aTasks) {
                    packABlock(task / aPackTasksPerKBlock, task % aPackTasksPerKBlock);
                } else {
                    packB((task - aTasks) / nPanels, (task - aTasks) % nPanels);
                }
            });
            // Group-major: consecutive tasks share a group of B panels, which stays in cache between them.
            forEach(mBlocks * nGroups, (task, worker) -> computeBlock(task % mBlocks, task / mBlocks));
        }

        /** Packs rows {@code [kb·KC, +KC)} of columns {@code [panel·nr, +nr)} of op(B), zero-padded to nr columns. */
        private void packB(int kBlock, int panel) {
            if (transB) {
                packTransposedB(kBlock, panel);
                return;
            }
            int k0 = kBlock * KC;
            int depth = Math.min(KC, k - k0);
            int j0 = panel * nr;
            int cols = Math.min(nr, n - j0);
            long target = ((long) kBlock * nPanels + panel) * bPanelBytes;
            long rowBytes = (long) nr * Float.BYTES;
            if (cols == nr) {
                kernel.packBPanel(depth, b, (bOffset + (long) k0 * ldb + j0) * Float.BYTES, (long) ldb * Float.BYTES,
                        packedB, target);
                return;
            }
            for (int kk = 0; kk < depth; kk++) {
                long targetRow = target + kk * rowBytes;
                {
                    long sourceByte = (bOffset + (long) (k0 + kk) * ldb + j0) * Float.BYTES;
                    MemorySegment.copy(b, sourceByte, packedB, targetRow, (long) cols * Float.BYTES);
                }
                if (cols < nr) {
                    packedB.asSlice(targetRow + (long) cols * Float.BYTES, (long) (nr - cols) * Float.BYTES).fill((byte) 0);
                }
            }
        }

        /** {@link #packB} when B is stored (N, K): each stored row becomes a column of the panel. */
        private void packTransposedB(int kBlock, int panel) {
            int k0 = kBlock * KC;
            int depth = Math.min(KC, k - k0);
            int j0 = panel * nr;
            int cols = Math.min(nr, n - j0);
            PackingArrays arrays = PACKING_ARRAYS.get();
            float[] line = arrays.line(depth);
            float[] packed = arrays.panel(depth * nr);
            for (int jj = 0; jj < nr; jj++) {
                if (jj < cols) {
                    MemorySegment.copy(b, FLOAT, (bOffset + (long) (j0 + jj) * ldb + k0) * Float.BYTES, line, 0, depth);
                    for (int kk = 0; kk < depth; kk++) {
                        packed[kk * nr + jj] = line[kk];
                    }
                } else {
                    for (int kk = 0; kk < depth; kk++) {
                        packed[kk * nr + jj] = 0f;
                    }
                }
            }
            MemorySegment.copy(packed, 0, packedB, FLOAT, ((long) kBlock * nPanels + panel) * bPanelBytes, depth * nr);
        }

        /** Packs the A panels of M block {@code mBlock} for K block {@code kBlock}. */
        private void packABlock(int kBlock, int mBlock) {
            int firstPanel = mBlock * (MC / mr);
            int lastPanel = Math.min(mPanels, firstPanel + MC / mr);
            for (int panel = firstPanel; panel < lastPanel; panel++) {
                packA(kBlock, panel);
            }
        }

        /**
         * Packs rows {@code [panel·mr, +mr)} × columns {@code [kb·KC, +KC)} of op(A), times alpha, as one panel of mr
         * rows {@code aRowBytes} apart, zero rows past the matrix. Untransposed A with alpha 1 (the convolution case)
         * is one bulk copy per row; otherwise rows are assembled in a small per-thread array and copied in bulk.
         */
        private void packA(int kBlock, int panel) {
            int k0 = kBlock * KC;
            int depth = Math.min(KC, k - k0);
            int i0 = panel * mr;
            int valid = Math.min(mr, m - i0);
            long panelByte = ((long) kBlock * mPanels + panel) * aPanelBytes;
            long rowBytes = (long) depth * Float.BYTES;
            if (!transA && alpha == 1f) {
                for (int r = 0; r < valid; r++) {
                    MemorySegment.copy(a, (aOffset + (long) (i0 + r) * lda + k0) * Float.BYTES, packedA,
                            panelByte + r * aRowBytes, rowBytes);
                }
            } else {
                PackingArrays arrays = PACKING_ARRAYS.get();
                float[] line = arrays.line(Math.max(depth, mr));
                float[] rows = arrays.panel(depth * mr);
                if (transA) {
                    for (int kk = 0; kk < depth; kk++) {
                        MemorySegment.copy(a, FLOAT, (aOffset + (long) (k0 + kk) * lda + i0) * Float.BYTES, line, 0,
                                valid);
                        for (int r = 0; r < valid; r++) {
                            rows[r * depth + kk] = alpha * line[r];
                        }
                    }
                } else {
                    for (int r = 0; r < valid; r++) {
                        MemorySegment.copy(a, FLOAT, (aOffset + (long) (i0 + r) * lda + k0) * Float.BYTES, rows,
                                r * depth, depth);
                        for (int kk = 0; kk < depth; kk++) {
                            rows[r * depth + kk] *= alpha;
                        }
                    }
                }
                for (int r = 0; r < valid; r++) {
                    MemorySegment.copy(rows, r * depth, packedA, FLOAT, panelByte + r * aRowBytes, depth);
                }
            }
            for (int r = valid; r < mr; r++) {
                packedA.asSlice(panelByte + r * aRowBytes, rowBytes).fill((byte) 0);
            }
        }

        /** Computes rows {@code [mBlock·MC, +MC)} × panels {@code [group·panelsPerTask, +panelsPerTask)} of C. */
        private void computeBlock(int mBlock, int group) {
            int i0 = mBlock * MC;
            int rows = Math.min(MC, m - i0);
            int firstMPanel = i0 / mr;
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
            MemorySegment tile = TILE.get().atLeast((long) mr * nr * Float.BYTES);
            MemorySegment panelB = rowByteOffsets == null ? packedB : PANEL.get().atLeast(bPanelBytes);
            long ldcBytes = (long) ldc * Float.BYTES;
            for (int kBlock = 0; kBlock < kBlocks; kBlock++) {
                int depth = Math.min(KC, k - kBlock * KC);
                boolean accumulate = kBlock > 0 || !overwriteFirst;
                for (int panel = firstPanel; panel < lastPanel; panel++) {
                    int panelJ0 = panel * nr;
                    int panelCols = Math.min(nr, n - panelJ0);
                    long bByte;
                    if (rowByteOffsets == null) {
                        bByte = ((long) kBlock * nPanels + panel) * bPanelBytes;
                    } else {
                        packRows(kBlock * KC, depth, panelJ0, panelCols, panelB);
                        bByte = 0;
                    }
                    for (int micro = 0; micro < microPanels; micro++) {
                        int r0 = micro * mr;
                        int tileRows = Math.min(mr, rows - r0);
                        long aByte = ((long) kBlock * mPanels + firstMPanel + micro) * aPanelBytes;
                        long cByte = (cOffset + (long) (i0 + r0) * ldc + panelJ0) * Float.BYTES;
                        // Whole vectors only: the last panel of a matrix runs a narrower kernel.
                        int vectors = Math.ceilDiv(panelCols, lanes);
                        if (tileRows == mr && panelCols == vectors * lanes) {
                            if (accumulate) {
                                kernel.multiplyNarrow(vectors, depth, packedA, aByte, aRowBytes, panelB, bByte,
                                        tile, 0, (long) nr * Float.BYTES);
                                kernel.addTile(tile, c, cByte, ldcBytes, vectors);
                            } else if (vectors * lanes == nr) {
                                kernel.multiply(depth, packedA, aByte, aRowBytes, panelB, bByte, c, cByte, ldcBytes);
                            } else {
                                kernel.multiplyNarrow(vectors, depth, packedA, aByte, aRowBytes, panelB, bByte,
                                        c, cByte, ldcBytes);
                            }
                        } else {
                            kernel.multiplyNarrow(vectors, depth, packedA, aByte, aRowBytes, panelB, bByte, tile, 0,
                                    (long) nr * Float.BYTES);
                            mergeTile(tile, cByte, ldcBytes, tileRows, panelCols, accumulate);
                        }
                    }
                }
            }
        }

        /**
         * Packs rows {@code [k0, k0 + depth)} × columns {@code [j0, j0 + cols)} of the row-by-row B into
         * {@code panel}, zero-padded to nr columns.
         */
        private void packRows(int k0, int depth, int j0, int cols, MemorySegment panel) {
            long columnByte = (long) j0 * Float.BYTES;
            if (cols == nr) {
                kernel.packBPanelRows(depth, b, rowByteOffsets, k0, columnByte, panel, 0);
                return;
            }
            long rowBytes = (long) nr * Float.BYTES;
            long validBytes = (long) cols * Float.BYTES;
            for (int kk = 0; kk < depth; kk++) {
                MemorySegment.copy(b, rowByteOffsets[k0 + kk] + columnByte, panel, kk * rowBytes, validBytes);
                panel.asSlice(kk * rowBytes + validBytes, rowBytes - validBytes).fill((byte) 0);
            }
        }

        /** {@code C[0:rows, 0:cols] = tile (+ C)} for a partial tile computed into scratch. */
        private void mergeTile(MemorySegment tile, long cByte, long ldcBytes, int rows, int cols, boolean accumulate) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    float value = tile.get(FLOAT, (long) (r * nr + j) * Float.BYTES);
                    long target = cByte + r * ldcBytes + (long) j * Float.BYTES;
                    c.set(FLOAT, target, accumulate ? c.get(FLOAT, target) + value : value);
                }
            }
        }
    }
}
