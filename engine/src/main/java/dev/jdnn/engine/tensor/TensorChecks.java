package dev.jdnn.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The argument checks every operation and kernel entry shares, with one wording: {@code "<what> is null"}, the
 * tensor's own closed/dtype/shape messages, {@code "<what> must not share memory with <other>"}.
 */
public final class TensorChecks {

    private TensorChecks() {
    }

    /** An open f32 tensor: null, then closed, then dtype. */
    public static Tensor f32(Tensor tensor, String what) {
        if (tensor == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        return tensor.requireOpen(what).requireDType(DType.F32, what);
    }

    /** The memory of an open f32 tensor (checked as {@link #f32(Tensor, String)}). */
    public static MemorySegment f32Memory(Tensor tensor, String what) {
        return f32(tensor, what).segment(what);
    }

    /** An open f32 tensor of {@code shape}: null, then closed, then dtype, then shape. */
    public static Tensor f32(Tensor tensor, Shape shape, String what) {
        return check(tensor, what, DType.F32, shape);
    }

    /** An open tensor of {@code type}: null, then closed, then type. */
    public static Tensor check(Tensor tensor, String what, DType type) {
        if (tensor == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        return tensor.requireOpen(what).requireDType(type, what);
    }

    /** An open tensor of {@code type} and {@code shape}: null, then closed, then type, then shape. */
    public static Tensor check(Tensor tensor, String what, DType type, Shape shape) {
        if (tensor == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        tensor.requireOpen(what).requireDType(type, what).shape().requireEqual(shape, what);
        return tensor;
    }

    /** The list itself and its size. */
    public static void checkList(List<Tensor> tensors, String what, int expected) {
        if (tensors == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (tensors.size() != expected) {
            throw new IllegalArgumentException(what + ": expected " + expected + " tensors, got " + tensors.size());
        }
    }

    /** Fails if the memory an operation writes ({@code written}) shares a byte with memory it reads. */
    public static void requireDisjoint(MemorySegment written, String what, MemorySegment read, String readName) {
        if (overlap(written, read)) {
            throw new IllegalArgumentException(what + " must not share memory with " + readName);
        }
    }

    /** {@link #requireDisjoint(MemorySegment, String, MemorySegment, String)} of two open tensors. */
    public static void requireDisjoint(Tensor written, String what, Tensor read, String readName) {
        requireDisjoint(written.segment(what), what, read.segment(readName), readName);
    }

    /** An output may be exactly an input's memory (in place) or apart from it, never partly over it. */
    public static void requireSameOrDisjoint(MemorySegment written, String what, MemorySegment read,
                                             String readName) {
        if (!sameMemory(written, read) && overlap(written, read)) {
            throw new IllegalArgumentException(what + " must be " + readName + " itself or not share memory with it,"
                    + " got a partial overlap");
        }
    }

    /** Whether the two share a byte; for native memory by address ranges (no allocation: checks run every call). */
    public static boolean overlap(MemorySegment a, MemorySegment b) {
        if (a.isNative() && b.isNative()) {
            long aStart = a.address();
            long bStart = b.address();
            return a.byteSize() > 0 && b.byteSize() > 0 && aStart < bStart + b.byteSize()
                    && bStart < aStart + a.byteSize();
        }
        return a.asOverlappingSlice(b).isPresent();
    }

    /** Whether both are exactly the same bytes. */
    public static boolean sameMemory(MemorySegment a, MemorySegment b) {
        return a.address() == b.address() && a.byteSize() == b.byteSize();
    }

    /** Whether both tensors are views of exactly the same bytes (both open). */
    public static boolean sameMemory(Tensor a, Tensor b) {
        return sameMemory(a.segment(), b.segment());
    }
}
