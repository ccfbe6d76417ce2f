package dev.jdnn.engine.kernel;

import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Batched transposition of the last two axes, {@code (B, R, C) → (B, C, R)}, for f32 and bf16: NCHW ↔ NHWC is this
 * with {@code (N, C, H·W) → (N, H·W, C)} and back. The work is split into blocks of about {@value #BLOCK_ELEMENTS}
 * elements (whole tiles; wide and flat when one side is short, as for an RGB image's 3 channels), each a parallel
 * task, so a batch of one still uses every worker.
 */
public final class Transpose {

    /** Elements per parallel task. */
    static final int BLOCK_ELEMENTS = 16 * 1024;

    private static final TransposeKernels KERNELS = new ScalarTransposeKernels();

    private Transpose() {
    }

    /**
     * {@code output[b][c][r] = input[b][r][c]}.
     *
     * @param input  {@code (B, R, C)}, f32 or bf16
     * @param output {@code (B, C, R)}, the same type, not overlapping {@code input}
     */
    public static void transpose(Tensor input, Tensor output) {
        Objects.requireNonNull(input, "transpose: input must not be null");
        Objects.requireNonNull(output, "transpose: output must not be null");
        Shape in = input.shape().requireRank(3, "transpose: input", "B, R, C");
        output.shape().requireEqual(Shape.of(in.dim(0), in.dim(2), in.dim(1)), "transpose: output");
        output.requireDType(input.dtype(), "transpose: output");
        if (input.dtype() != DType.F32 && input.dtype() != DType.BF16) {
            throw new IllegalArgumentException("transpose: input must be f32 or bf16, got " + input.dtype());
        }
        MemorySegment src = input.segment("transpose: input");
        MemorySegment dst = output.segment("transpose: output");
        if (src.asOverlappingSlice(dst).isPresent()) {
            throw new IllegalArgumentException("transpose: output must not overlap input");
        }
        boolean wide = input.dtype() == DType.F32;
        int batch = in.dim(0);
        int rows = in.dim(1);
        int cols = in.dim(2);
        int tile = ScalarTransposeKernels.TILE;
        int blockRows = Math.min(roundUp(rows, tile), 8 * tile);
        int blockCols = Math.min(roundUp(cols, tile), roundUp(Math.max(tile, BLOCK_ELEMENTS / blockRows), tile));
        int rowBlocks = (rows + blockRows - 1) / blockRows;
        int colBlocks = (cols + blockCols - 1) / blockCols;
        long matrix = (long) rows * cols;
        int tasks = Math.toIntExact((long) batch * rowBlocks * colBlocks);
        Parallel.forEach(tasks, (task, worker) -> {
            int b = task / (rowBlocks * colBlocks);
            int rowBlock = task / colBlocks % rowBlocks;
            int colBlock = task % colBlocks;
            int rowFrom = rowBlock * blockRows;
            int colFrom = colBlock * blockCols;
            int rowTo = Math.min(rows, rowFrom + blockRows);
            int colTo = Math.min(cols, colFrom + blockCols);
            long offset = b * matrix;
            if (wide) {
                KERNELS.transpose32(src, offset, dst, offset, rows, cols, rowFrom, rowTo, colFrom, colTo);
            } else {
                KERNELS.transpose16(src, offset, dst, offset, rows, cols, rowFrom, rowTo, colFrom, colTo);
            }
        });
    }

    private static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }
}
