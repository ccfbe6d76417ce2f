package dev.jdnn.engine.io;

import dev.jdnn.engine.tensor.Shape;
import java.util.List;

/**
 * One tensor as a safetensors header describes it: its element type, its sizes (outermost first; empty for a scalar;
 * the format allows sizes of 0) and where its bytes lie, relative to the start of the data section.
 */
public record SafeTensorsEntry(String name, SafeTensorsDType dtype, List<Long> dims, long beginByteOffset,
                               long endByteOffset) {

    public SafeTensorsEntry {
        dims = List.copyOf(dims);
    }

    /** Bytes of data. */
    public long byteSize() {
        return endByteOffset - beginByteOffset;
    }

    /** Elements: the product of the sizes (1 for a scalar). */
    public long elementCount() {
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        return count;
    }

    /** Whether a jdnn {@link Shape} can describe these sizes (each in 1 .. Integer.MAX_VALUE). */
    public boolean hasTensorShape() {
        return dims.stream().allMatch(d -> d >= 1 && d <= Integer.MAX_VALUE);
    }

    /** The sizes as a {@link Shape}; fails for a size of 0 (jdnn tensors are never empty) or above 2^31 - 1. */
    public Shape shape() {
        if (!hasTensorShape()) {
            throw new IllegalArgumentException("tensor " + name + " has sizes " + dimsText()
                    + ": jdnn tensors need every size in 1 .. " + Integer.MAX_VALUE);
        }
        return Shape.of(dims.stream().mapToInt(Long::intValue).toArray());
    }

    /** {@code (6, 1, 5, 5)}, the sizes as {@link Shape} prints them (also for sizes a Shape cannot hold). */
    public String dimsText() {
        StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < dims.size(); i++) {
            text.append(i == 0 ? "" : ", ").append(dims.get(i));
        }
        return text.append(')').toString();
    }
}
