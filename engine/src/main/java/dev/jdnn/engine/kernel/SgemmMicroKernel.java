package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;

/**
 * The innermost piece of {@link Sgemm}: one register-blocked {@code mr() × nr()} tile of C from a packed A panel and a
 * packed B panel. Pure and single-threaded; the driver in {@link Sgemm} does blocking, packing, alpha and beta,
 * partial tiles at the edges (through a scratch tile) and threads.
 *
 * <p>Packed A panel: {@code mr()} rows of {@code kc} consecutive floats, {@code aRowBytes} apart (already multiplied
 * by alpha; zero rows past the matrix). Packed B panel: for each {@code k}, {@code nr()} consecutive floats (columns
 * of the tile; zero past the matrix). C: a full tile starting at {@code cByteOffset}, rows {@code ldcBytes} apart.
 */
public interface SgemmMicroKernel {

    /** Rows of the register tile. */
    int mr();

    /** Columns of the register tile. */
    int nr();

    /** {@code C = Apanel · Bpanel} over {@code kc} steps; C is only written. */
    void multiply(int kc, MemorySegment packedA, long aByteOffset, long aRowBytes, MemorySegment packedB,
                  long bByteOffset, MemorySegment c, long cByteOffset, long ldcBytes);

    /** Columns per vector: {@code nr()} is a multiple of it; narrow tiles are whole vectors wide. */
    int lanes();

    /**
     * {@link #multiply} for the first {@code vectors · lanes()} columns of the tile only ({@code vectors} in
     * {@code [1, nr() / lanes()]}); the B panel keeps its {@code nr()}-wide rows. For the last panel of a matrix.
     */
    void multiplyNarrow(int vectors, int kc, MemorySegment packedA, long aByteOffset, long aRowBytes,
                        MemorySegment packedB, long bByteOffset, MemorySegment c, long cByteOffset, long ldcBytes);

    /**
     * Packs a full-width B panel: {@code depth} rows of {@code nr()} floats from {@code b} (rows {@code ldbBytes}
     * apart, from {@code bByteOffset}) into {@code packed} (rows {@code nr()} floats apart, from
     * {@code packedByteOffset}). Pure data movement: the SIMD kernel copies whole vectors instead of one bulk copy
     * call per row (whose fixed cost dominated rows of 48 floats).
     */
    void packBPanel(int depth, MemorySegment b, long bByteOffset, long ldbBytes, MemorySegment packed,
                    long packedByteOffset);

    /**
     * {@link #packBPanel} for a B whose rows lie anywhere in {@code b}: packed row {@code kk} is the {@code nr()}
     * floats at byte {@code rowByteOffsets[firstRow + kk] + columnByteOffset}. A convolution's column matrix read
     * as shifted rows of its (padded) input, with no column matrix in memory.
     */
    void packBPanelRows(int depth, MemorySegment b, long[] rowByteOffsets, int firstRow, long columnByteOffset,
                        MemorySegment packed, long packedByteOffset);

    /**
     * {@code C += tile} over all {@code mr()} rows and the first {@code vectors · lanes()} columns; {@code tile} holds
     * rows of {@code nr()} floats, no gaps.
     */
    void addTile(MemorySegment tile, MemorySegment c, long cByteOffset, long ldcBytes, int vectors);
}
