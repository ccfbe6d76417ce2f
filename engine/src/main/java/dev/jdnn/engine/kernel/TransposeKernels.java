package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;

/**
 * Matrix transposition at segment level: {@code dst[c][r] = src[r][c]} for a row-major {@code (rows, cols)} matrix
 * at element {@code srcOffset} of {@code src} into the {@code (cols, rows)} matrix at element {@code dstOffset} of
 * {@code dst}, restricted to the block {@code [rowFrom, rowTo) × [colFrom, colTo)}. Bits are copied unchanged.
 * Implementations neither check nor start threads; {@link Transpose} does both. Source and destination must not
 * overlap.
 */
public interface TransposeKernels {

    /** 4-byte elements (f32). */
    void transpose32(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, int rows, int cols,
                     int rowFrom, int rowTo, int colFrom, int colTo);

    /** 2-byte elements (bf16). */
    void transpose16(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, int rows, int cols,
                     int rowFrom, int rowTo, int colFrom, int colTo);
}
