package dev.jdnn.engine.kernel;

import dev.jdnn.engine.tensor.Shape;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Which elements a {@link Dropout} forward pass kept, for its backward pass: one bit per element, packed into 64-bit
 * words in native byte order, element {@code i} at bit {@code i & 63} of word {@code i >>> 6} (1 = kept); the unused
 * bits of the last word are 0. A mask of {@code n} elements takes {@code 8 · ceil(n / 64)} bytes, a 32nd of an f32
 * tensor. It also records the drop probability of the pass that filled it, so the backward pass scales alike.
 *
 * <p>The mask owns its off-heap memory; {@link #close()} frees it.
 */
public final class DropoutMask implements AutoCloseable {

    private static final long ALIGNMENT_BYTES = 64;

    private final Arena arena;
    private final MemorySegment words; // (ceil(elements / 64)) longs
    private final Shape shape;         // the shape of the tensor it masks
    private volatile double probability = Double.NaN; // NaN until a forward pass fills the mask
    private volatile boolean closed;

    private DropoutMask(Arena arena, MemorySegment words, Shape shape) {
        this.arena = arena;
        this.words = words;
        this.shape = shape;
    }

    /** An empty (all-dropped, unfilled) mask for tensors of {@code shape}. */
    public static DropoutMask allocate(Shape shape) {
        if (shape == null) {
            throw new IllegalArgumentException("DropoutMask: shape must not be null");
        }
        Arena arena = Arena.ofShared();
        try {
            return new DropoutMask(arena, arena.allocate(byteSize(shape), ALIGNMENT_BYTES), shape);
        } catch (RuntimeException | OutOfMemoryError e) {
            arena.close();
            throw e;
        }
    }

    /** Bytes of bits a mask of {@code shape} takes: {@code 8 · ceil(elements / 64)}. */
    public static long byteSize(Shape shape) {
        return Math.ceilDiv(shape.elementCount(), Long.SIZE) * Long.BYTES;
    }

    /** The shape of the tensors this mask applies to. */
    public Shape shape() {
        return shape;
    }

    /** The drop probability of the forward pass that filled the mask, or NaN before one did. */
    public double probability() {
        return probability;
    }

    void setProbability(double p) {
        probability = p;
    }

    /** Whether element {@code index} (row-major) was kept. */
    public boolean isKept(long index) {
        if (index < 0 || index >= shape.elementCount()) {
            throw new IndexOutOfBoundsException("DropoutMask: index " + index + " is outside " + shape);
        }
        long word = segment("DropoutMask").getAtIndex(ValueLayout.JAVA_LONG, index >>> 6);
        return (word >>> (index & 63) & 1) != 0;
    }

    /** The packed words, for kernels; fails if the mask is closed. */
    MemorySegment segment(String what) {
        if (closed) {
            throw new IllegalStateException(what + " is a closed DropoutMask " + shape + " (it was used after close())");
        }
        return words;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "DropoutMask" + shape + (Double.isNaN(probability) ? " (unfilled)" : " p=" + probability);
    }
}
