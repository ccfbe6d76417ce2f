package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.List;

/** The checks {@link ConcatArguments}, {@link SumArguments} and {@link ReorderArguments} share. */
final class TensorChecks {

    private TensorChecks() {
    }

    /** An open tensor of {@code type} and {@code shape}: null, then closed, then type, then shape. */
    static Tensor check(Tensor tensor, String what, DType type, Shape shape) {
        if (tensor == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        tensor.requireOpen(what).requireDType(type, what).shape().requireEqual(shape, what);
        return tensor;
    }

    /** The list itself and its size. */
    static void checkList(List<Tensor> tensors, String what, int expected) {
        if (tensors == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (tensors.size() != expected) {
            throw new IllegalArgumentException(what + ": expected " + expected + " tensors, got " + tensors.size());
        }
    }

    /** Fails unless {@code a} and {@code b} share no byte (both are open: checked before). */
    static void requireDisjoint(Tensor a, String what, Tensor b, String other) {
        MemorySegment as = a.segment(what);
        MemorySegment bs = b.segment(other);
        if (as.asOverlappingSlice(bs).isPresent()) {
            throw new IllegalArgumentException(what + " must not overlap " + other);
        }
    }

    /** Whether both are views of exactly the same bytes. */
    static boolean sameMemory(Tensor a, Tensor b) {
        MemorySegment as = a.segment();
        MemorySegment bs = b.segment();
        return as.address() == bs.address() && as.byteSize() == bs.byteSize();
    }
}
