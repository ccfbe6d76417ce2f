package dev.jdnn.engine.kernel;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;

/**
 * The transposition in {@value #TILE}×{@value #TILE} tiles: within a tile the source rows are read along and the
 * destination rows written across, so both stay in a handful of cache lines. Elements move as raw {@code int} and
 * {@code short} bits: no float conversion touches a NaN. The only implementation (no vector twin): a transposition
 * is bound by memory traffic, which tiling already fixes.
 */
final class ScalarTransposeKernels implements TransposeKernels {

    static final int TILE = 16;

    @Override
    public void transpose32(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, int rows, int cols,
                            int rowFrom, int rowTo, int colFrom, int colTo) {
        for (int r0 = rowFrom; r0 < rowTo; r0 += TILE) {
            int r1 = Math.min(r0 + TILE, rowTo);
            for (int c0 = colFrom; c0 < colTo; c0 += TILE) {
                int c1 = Math.min(c0 + TILE, colTo);
                for (int r = r0; r < r1; r++) {
                    long from = srcOffset + (long) r * cols;
                    long to = dstOffset + r;
                    for (int c = c0; c < c1; c++) {
                        dst.setAtIndex(JAVA_INT, to + (long) c * rows, src.getAtIndex(JAVA_INT, from + c));
                    }
                }
            }
        }
    }

    @Override
    public void transpose16(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, int rows, int cols,
                            int rowFrom, int rowTo, int colFrom, int colTo) {
        for (int r0 = rowFrom; r0 < rowTo; r0 += TILE) {
            int r1 = Math.min(r0 + TILE, rowTo);
            for (int c0 = colFrom; c0 < colTo; c0 += TILE) {
                int c1 = Math.min(c0 + TILE, colTo);
                for (int r = r0; r < r1; r++) {
                    long from = srcOffset + (long) r * cols;
                    long to = dstOffset + r;
                    for (int c = c0; c < c1; c++) {
                        dst.setAtIndex(JAVA_SHORT, to + (long) c * rows, src.getAtIndex(JAVA_SHORT, from + c));
                    }
                }
            }
        }
    }
}
