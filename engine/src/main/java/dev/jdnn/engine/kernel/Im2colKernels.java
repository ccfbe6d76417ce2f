package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;

/**
 * im2col and its adjoint col2im at segment level, for a run of {@code channels} consecutive channels of one image.
 * Offsets count elements (f32). No checks and no threads: {@link Im2col} validates and splits the work.
 *
 * <p>Layout: column matrix row {@code (c * KH + kh) * KW + kw}, column {@code oh * OW + ow} holds input element
 * {@code (c, oh * strideH - padH + kh * dilationH, ow * strideW - padW + kw * dilationW)}, or 0 where that position is
 * padding. {@code outHeight} and {@code outWidth} are usually the window's (floor-mode) output sizes for
 * {@code height, width}; any sizes work, positions past the image reading 0 ({@link ShiftedColumns} asks for more).
 */
public interface Im2colKernels {

    /**
     * Writes every element of the column matrix (padding positions as 0) from the image. Row {@code r} of the matrix
     * starts at {@code columnsOffset + r * ldColumns}: {@code ldColumns = outHeight * outWidth} for a matrix of its
     * own, more when the matrix is one block of columns of a wider one (several images side by side).
     */
    void im2col(MemorySegment input, long inputOffset, // (channels, height, width)
                int channels, int height, int width, Window2d window, int outHeight, int outWidth,
                MemorySegment columns, long columnsOffset, // (channels * KH * KW, outHeight * outWidth)
                long ldColumns);

    /**
     * Adds every column element onto the image element it was taken from (padding positions are dropped); the
     * adjoint of {@link #im2col}. Each image element receives its terms in row-major order of the column matrix.
     */
    void col2im(MemorySegment columns, long columnsOffset, // (channels * KH * KW, outHeight * outWidth)
                int channels, int height, int width, Window2d window, int outHeight, int outWidth,
                MemorySegment image, long imageOffset); // (channels, height, width), accumulated into
}
