package dev.jdnn.engine.kernel.simd;

import dev.jdnn.engine.kernel.SgemmMicroKernel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SGEMM micro-kernel on the Vector API: an 8 × (3 vectors) register tile (8 × 48 with AVX-512), 24 independent
 * accumulators, one broadcast of A and three loads of B per row and {@code k} step. The A panel is row-major (eight
 * sequential streams), so packing A is a bulk copy; offsets are written {@code base + k * step} so the JIT can
 * hoist the bounds checks out of the loop.
 *
 * <p>{@link #multiply} is unrolled by hand, handles full tiles only (the driver sends partial ones through a scratch
 * tile; {@link #multiplyNarrow} has 16- and 32-column twins for the last panel of a matrix) and never passes a
 * vector to a method. What was measured while writing it (JDK 25, AVX-512): a vector reaching
 * a call the JIT does not inline, or masked edge stores in the same method, boxed the accumulators (5–20× slower); a
 * multiply by alpha at the end cost two thirds of the speed (so alpha is folded into the packed A panel); and a variant
 * that also loaded and added C was too big for C1 ("out of virtual registers"), after which it sometimes stayed
 * interpreted for the whole run (4 GFLOP/s instead of 300) — so accumulation is a separate small {@link #addTile}.
 */
public final class SimdSgemmMicroKernel implements SgemmMicroKernel {

    private static final VectorSpecies<Float> F = VectorShapes.FLOAT;
    private static final int LANES = F.length();
    private static final int MR = 8;
    private static final int NR = 3 * LANES;
    private static final long B_STEP_BYTES = (long) NR * Float.BYTES;
    private static final long VECTOR_BYTES = (long) LANES * Float.BYTES;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

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
                         long bByteOffset,
                      MemorySegment c, long cByteOffset, long ldcBytes) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector c00 = zero, c01 = zero, c02 = zero;
        FloatVector c10 = zero, c11 = zero, c12 = zero;
        FloatVector c20 = zero, c21 = zero, c22 = zero;
        FloatVector c30 = zero, c31 = zero, c32 = zero;
        FloatVector c40 = zero, c41 = zero, c42 = zero;
        FloatVector c50 = zero, c51 = zero, c52 = zero;
        FloatVector c60 = zero, c61 = zero, c62 = zero;
        FloatVector c70 = zero, c71 = zero, c72 = zero;
        long a0 = aByteOffset + 0 * aRowBytes;
        long a1 = aByteOffset + 1 * aRowBytes;
        long a2 = aByteOffset + 2 * aRowBytes;
        long a3 = aByteOffset + 3 * aRowBytes;
        long a4 = aByteOffset + 4 * aRowBytes;
        long a5 = aByteOffset + 5 * aRowBytes;
        long a6 = aByteOffset + 6 * aRowBytes;
        long a7 = aByteOffset + 7 * aRowBytes;
        for (int k = 0; k < kc; k++) {
            long kByte = k * (long) Float.BYTES;
            long bByte = bByteOffset + k * B_STEP_BYTES;
            FloatVector b0 = FloatVector.fromMemorySegment(F, packedB, bByte, ORDER);
            FloatVector b1 = FloatVector.fromMemorySegment(F, packedB, bByte + VECTOR_BYTES, ORDER);
            FloatVector b2 = FloatVector.fromMemorySegment(F, packedB, bByte + 2 * VECTOR_BYTES, ORDER);
            FloatVector a;
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a0 + kByte));
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            c02 = a.fma(b2, c02);
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a1 + kByte));
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            c12 = a.fma(b2, c12);
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a2 + kByte));
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            c22 = a.fma(b2, c22);
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a3 + kByte));
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            c32 = a.fma(b2, c32);
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a4 + kByte));
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            c42 = a.fma(b2, c42);
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a5 + kByte));
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            c52 = a.fma(b2, c52);
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a6 + kByte));
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            c62 = a.fma(b2, c62);
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a7 + kByte));
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
            c72 = a.fma(b2, c72);
        }
        long row;
        row = cByteOffset + 0 * ldcBytes;
        c00.intoMemorySegment(c, row, ORDER);
        c01.intoMemorySegment(c, row + VECTOR_BYTES, ORDER);
        c02.intoMemorySegment(c, row + 2 * VECTOR_BYTES, ORDER);
        row = cByteOffset + 1 * ldcBytes;
        c10.intoMemorySegment(c, row, ORDER);
        c11.intoMemorySegment(c, row + VECTOR_BYTES, ORDER);
        c12.intoMemorySegment(c, row + 2 * VECTOR_BYTES, ORDER);
        row = cByteOffset + 2 * ldcBytes;
        c20.intoMemorySegment(c, row, ORDER);
        c21.intoMemorySegment(c, row + VECTOR_BYTES, ORDER);
        c22.intoMemorySegment(c, row + 2 * VECTOR_BYTES, ORDER);
        row = cByteOffset + 3 * ldcBytes;
        c30.intoMemorySegment(c, row, ORDER);
        c31.intoMemorySegment(c, row + VECTOR_BYTES, ORDER);
        c32.intoMemorySegment(c, row + 2 * VECTOR_BYTES, ORDER);
        row = cByteOffset + 4 * ldcBytes;
        c40.intoMemorySegment(c, row, ORDER);
        c41.intoMemorySegment(c, row + VECTOR_BYTES, ORDER);
        c42.intoMemorySegment(c, row + 2 * VECTOR_BYTES, ORDER);
        row = cByteOffset + 5 * ldcBytes;
        c50.intoMemorySegment(c, row, ORDER);
        c51.intoMemorySegment(c, row + VECTOR_BYTES, ORDER);
        c52.intoMemorySegment(c, row + 2 * VECTOR_BYTES, ORDER);
        row = cByteOffset + 6 * ldcBytes;
        c60.intoMemorySegment(c, row, ORDER);
        c61.intoMemorySegment(c, row + VECTOR_BYTES, ORDER);
        c62.intoMemorySegment(c, row + 2 * VECTOR_BYTES, ORDER);
        row = cByteOffset + 7 * ldcBytes;
        c70.intoMemorySegment(c, row, ORDER);
        c71.intoMemorySegment(c, row + VECTOR_BYTES, ORDER);
        c72.intoMemorySegment(c, row + 2 * VECTOR_BYTES, ORDER);
    }

    @Override
    public int lanes() {
        return LANES;
    }

    @Override
    public void multiplyNarrow(int vectors, int kc, MemorySegment packedA, long aByteOffset, long aRowBytes,
                               MemorySegment packedB, long bByteOffset, MemorySegment c, long cByteOffset,
                               long ldcBytes) {
        switch (vectors) {
            case 1 -> multiply1(kc, packedA, aByteOffset, aRowBytes, packedB, bByteOffset, c, cByteOffset, ldcBytes);
            case 2 -> multiply2(kc, packedA, aByteOffset, aRowBytes, packedB, bByteOffset, c, cByteOffset, ldcBytes);
            case 3 -> multiply(kc, packedA, aByteOffset, aRowBytes, packedB, bByteOffset, c, cByteOffset, ldcBytes);
            default -> throw new IllegalArgumentException("vectors must be 1, 2 or 3, got " + vectors);
        }
    }

    /** {@link #multiply} for the first 1 vector of columns only. */
    private static void multiply1(int kc, MemorySegment packedA, long aByteOffset, long aRowBytes,
                                  MemorySegment packedB, long bByteOffset, MemorySegment c, long cByteOffset,
                                  long ldcBytes) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector c00 = zero;
        FloatVector c10 = zero;
        FloatVector c20 = zero;
        FloatVector c30 = zero;
        FloatVector c40 = zero;
        FloatVector c50 = zero;
        FloatVector c60 = zero;
        FloatVector c70 = zero;
        long a0 = aByteOffset + 0 * aRowBytes;
        long a1 = aByteOffset + 1 * aRowBytes;
        long a2 = aByteOffset + 2 * aRowBytes;
        long a3 = aByteOffset + 3 * aRowBytes;
        long a4 = aByteOffset + 4 * aRowBytes;
        long a5 = aByteOffset + 5 * aRowBytes;
        long a6 = aByteOffset + 6 * aRowBytes;
        long a7 = aByteOffset + 7 * aRowBytes;
        for (int k = 0; k < kc; k++) {
            long kByte = k * (long) Float.BYTES;
            long bByte = bByteOffset + k * B_STEP_BYTES;
            FloatVector b0 = FloatVector.fromMemorySegment(F, packedB, bByte, ORDER);
            FloatVector a;
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a0 + kByte));
            c00 = a.fma(b0, c00);
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a1 + kByte));
            c10 = a.fma(b0, c10);
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a2 + kByte));
            c20 = a.fma(b0, c20);
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a3 + kByte));
            c30 = a.fma(b0, c30);
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a4 + kByte));
            c40 = a.fma(b0, c40);
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a5 + kByte));
            c50 = a.fma(b0, c50);
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a6 + kByte));
            c60 = a.fma(b0, c60);
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a7 + kByte));
            c70 = a.fma(b0, c70);
        }
        long row;
        row = cByteOffset + 0 * ldcBytes;
        c00.intoMemorySegment(c, row, ORDER);
        row = cByteOffset + 1 * ldcBytes;
        c10.intoMemorySegment(c, row, ORDER);
        row = cByteOffset + 2 * ldcBytes;
        c20.intoMemorySegment(c, row, ORDER);
        row = cByteOffset + 3 * ldcBytes;
        c30.intoMemorySegment(c, row, ORDER);
        row = cByteOffset + 4 * ldcBytes;
        c40.intoMemorySegment(c, row, ORDER);
        row = cByteOffset + 5 * ldcBytes;
        c50.intoMemorySegment(c, row, ORDER);
        row = cByteOffset + 6 * ldcBytes;
        c60.intoMemorySegment(c, row, ORDER);
        row = cByteOffset + 7 * ldcBytes;
        c70.intoMemorySegment(c, row, ORDER);
    }

    /** {@link #multiply} for the first 2 vectors of columns only. */
    private static void multiply2(int kc, MemorySegment packedA, long aByteOffset, long aRowBytes,
                                  MemorySegment packedB, long bByteOffset, MemorySegment c, long cByteOffset,
                                  long ldcBytes) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector c00 = zero, c01 = zero;
        FloatVector c10 = zero, c11 = zero;
        FloatVector c20 = zero, c21 = zero;
        FloatVector c30 = zero, c31 = zero;
        FloatVector c40 = zero, c41 = zero;
        FloatVector c50 = zero, c51 = zero;
        FloatVector c60 = zero, c61 = zero;
        FloatVector c70 = zero, c71 = zero;
        long a0 = aByteOffset + 0 * aRowBytes;
        long a1 = aByteOffset + 1 * aRowBytes;
        long a2 = aByteOffset + 2 * aRowBytes;
        long a3 = aByteOffset + 3 * aRowBytes;
        long a4 = aByteOffset + 4 * aRowBytes;
        long a5 = aByteOffset + 5 * aRowBytes;
        long a6 = aByteOffset + 6 * aRowBytes;
        long a7 = aByteOffset + 7 * aRowBytes;
        for (int k = 0; k < kc; k++) {
            long kByte = k * (long) Float.BYTES;
            long bByte = bByteOffset + k * B_STEP_BYTES;
            FloatVector b0 = FloatVector.fromMemorySegment(F, packedB, bByte, ORDER);
            FloatVector b1 = FloatVector.fromMemorySegment(F, packedB, bByte + VECTOR_BYTES, ORDER);
            FloatVector a;
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a0 + kByte));
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a1 + kByte));
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a2 + kByte));
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a3 + kByte));
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a4 + kByte));
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a5 + kByte));
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a6 + kByte));
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(F, packedA.get(FLOAT, a7 + kByte));
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
        }
        long row;
        row = cByteOffset + 0 * ldcBytes;
        c00.intoMemorySegment(c, row, ORDER);
        c01.intoMemorySegment(c, row + VECTOR_BYTES, ORDER);
        row = cByteOffset + 1 * ldcBytes;
        c10.intoMemorySegment(c, row, ORDER);
        c11.intoMemorySegment(c, row + VECTOR_BYTES, ORDER);
        row = cByteOffset + 2 * ldcBytes;
        c20.intoMemorySegment(c, row, ORDER);
        c21.intoMemorySegment(c, row + VECTOR_BYTES, ORDER);
        row = cByteOffset + 3 * ldcBytes;
        c30.intoMemorySegment(c, row, ORDER);
        c31.intoMemorySegment(c, row + VECTOR_BYTES, ORDER);
        row = cByteOffset + 4 * ldcBytes;
        c40.intoMemorySegment(c, row, ORDER);
        c41.intoMemorySegment(c, row + VECTOR_BYTES, ORDER);
        row = cByteOffset + 5 * ldcBytes;
        c50.intoMemorySegment(c, row, ORDER);
        c51.intoMemorySegment(c, row + VECTOR_BYTES, ORDER);
        row = cByteOffset + 6 * ldcBytes;
        c60.intoMemorySegment(c, row, ORDER);
        c61.intoMemorySegment(c, row + VECTOR_BYTES, ORDER);
        row = cByteOffset + 7 * ldcBytes;
        c70.intoMemorySegment(c, row, ORDER);
        c71.intoMemorySegment(c, row + VECTOR_BYTES, ORDER);
    }

    @Override
    public void packBPanel(int depth, MemorySegment b, long bByteOffset, long ldbBytes, MemorySegment packed,
                           long packedByteOffset) {
        for (int kk = 0; kk < depth; kk++) {
            long from = bByteOffset + kk * ldbBytes;
            long to = packedByteOffset + kk * B_STEP_BYTES;
            FloatVector.fromMemorySegment(F, b, from, ORDER).intoMemorySegment(packed, to, ORDER);
            FloatVector.fromMemorySegment(F, b, from + VECTOR_BYTES, ORDER)
                    .intoMemorySegment(packed, to + VECTOR_BYTES, ORDER);
            FloatVector.fromMemorySegment(F, b, from + 2 * VECTOR_BYTES, ORDER)
                    .intoMemorySegment(packed, to + 2 * VECTOR_BYTES, ORDER);
        }
    }

    @Override
    public void packBPanelRows(int depth, MemorySegment b, long[] rowByteOffsets, int firstRow, long columnByteOffset,
                               MemorySegment packed, long packedByteOffset) {
        for (int kk = 0; kk < depth; kk++) {
            long from = rowByteOffsets[firstRow + kk] + columnByteOffset;
            long to = packedByteOffset + kk * B_STEP_BYTES;
            FloatVector.fromMemorySegment(F, b, from, ORDER).intoMemorySegment(packed, to, ORDER);
            FloatVector.fromMemorySegment(F, b, from + VECTOR_BYTES, ORDER)
                    .intoMemorySegment(packed, to + VECTOR_BYTES, ORDER);
            FloatVector.fromMemorySegment(F, b, from + 2 * VECTOR_BYTES, ORDER)
                    .intoMemorySegment(packed, to + 2 * VECTOR_BYTES, ORDER);
        }
    }

    @Override
    public void addTile(MemorySegment tile, MemorySegment c, long cByteOffset, long ldcBytes, int vectors) {
        long rowBytes = vectors * VECTOR_BYTES;
        for (int r = 0; r < MR; r++) {
            long tileRow = (long) r * B_STEP_BYTES;
            long cRow = cByteOffset + r * ldcBytes;
            for (long v = 0; v < rowBytes; v += VECTOR_BYTES) {
                FloatVector.fromMemorySegment(F, tile, tileRow + v, ORDER)
                        .add(FloatVector.fromMemorySegment(F, c, cRow + v, ORDER))
                        .intoMemorySegment(c, cRow + v, ORDER);
            }
        }
    }
}
