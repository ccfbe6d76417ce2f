package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The micro-kernel without the Vector API: a 4 × 16 tile in plain float arithmetic. */
final class ScalarSgemmMicroKernel implements SgemmMicroKernel {

    private static final int MR = 4;
    private static final int NR = 16;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    @Override
    public int mr() {
        return MR;
    }

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public void multiply(int kc, MemorySegment packedA, long aByteOffset, long aRowBytes, MemorySegment packedB,
                         long bByteOffset, MemorySegment c, long cByteOffset, long ldcBytes) {
        for (int r = 0; r < MR; r++) {
            for (int j = 0; j < NR; j++) {
                float sum = 0f;
                for (int k = 0; k < kc; k++) {
                    float a = packedA.get(FLOAT, aByteOffset + r * aRowBytes + (long) k * Float.BYTES);
                    float b = packedB.get(FLOAT, bByteOffset + (long) (k * NR + j) * Float.BYTES);
                    sum += a * b;
                }
                c.set(FLOAT, cByteOffset + r * ldcBytes + (long) j * Float.BYTES, sum);
            }
        }
    }

    /** The scalar tile is one "vector" wide: the driver never takes the narrow path with it. */
    @Override
    public int lanes() {
        return NR;
    }

    @Override
    public void multiplyNarrow(int vectors, int kc, MemorySegment packedA, long aByteOffset, long aRowBytes,
                               MemorySegment packedB, long bByteOffset, MemorySegment c, long cByteOffset,
                               long ldcBytes) {
        multiply(kc, packedA, aByteOffset, aRowBytes, packedB, bByteOffset, c, cByteOffset, ldcBytes);
    }

    @Override
    public void packBPanel(int depth, MemorySegment b, long bByteOffset, long ldbBytes, MemorySegment packed,
                           long packedByteOffset) {
        long rowBytes = (long) NR * Float.BYTES;
        for (int kk = 0; kk < depth; kk++) {
            MemorySegment.copy(b, bByteOffset + kk * ldbBytes, packed, packedByteOffset + kk * rowBytes, rowBytes);
        }
    }

    @Override
    public void packBPanelRows(int depth, MemorySegment b, long[] rowByteOffsets, int firstRow, long columnByteOffset,
                               MemorySegment packed, long packedByteOffset) {
        long rowBytes = (long) NR * Float.BYTES;
        for (int kk = 0; kk < depth; kk++) {
            MemorySegment.copy(b, rowByteOffsets[firstRow + kk] + columnByteOffset, packed,
                    packedByteOffset + kk * rowBytes, rowBytes);
        }
    }

    @Override
    public void addTile(MemorySegment tile, MemorySegment c, long cByteOffset, long ldcBytes, int vectors) {
        for (int r = 0; r < MR; r++) {
            for (int j = 0; j < NR; j++) {
                long cByte = cByteOffset + r * ldcBytes + (long) j * Float.BYTES;
                c.set(FLOAT, cByte, c.get(FLOAT, cByte) + tile.get(FLOAT, (long) (r * NR + j) * Float.BYTES));
            }
        }
    }
}
