package dev.jdnn.engine.kernel;

import dev.jdnn.engine.tensor.Shape;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Where each output of a max pooling came from, for its backward pass: one {@code int} per output element
 * {@code (N, C, OH, OW)}, the flat position {@code h * W + w} of the selected element inside its input plane (PyTorch's
 * convention), or {@code -1} for a window that holds no input element at all (possible only with dilation; its output
 * is {@code -infinity} and it passes no gradient back).
 *
 * <p>The indices own their off-heap memory; {@link #close()} frees it. They remember the input shape they index into,
 * so the backward pass can check that its {@code dx} is the tensor they describe.
 */
public final class PoolingIndices implements AutoCloseable {

    private static final long ALIGNMENT_BYTES = 64;

    private final Arena arena; // null for a view of the caller's memory
    private final MemorySegment segment; // (N, C, OH, OW) ints
    private final Shape shape;           // (N, C, OH, OW)
    private final Shape inputShape;      // (N, C, H, W)
    private volatile boolean closed;

    private PoolingIndices(Arena arena, MemorySegment segment, Shape shape, Shape inputShape) {
        this.arena = arena;
        this.segment = segment;
        this.shape = shape;
        this.inputShape = inputShape;
    }

    /**
     * Zero-filled indices for a max pooling from {@code inputShape} {@code (N, C, H, W)} to {@code outputShape}
     * {@code (N, C, OH, OW)}; {@link Pooling#maxPool2dOutputShape} gives the output shape of a window.
     */
    public static PoolingIndices allocate(Shape inputShape, Shape outputShape) {
        long byteSize = byteSize(inputShape, outputShape);
        Arena arena = Arena.ofShared();
        try {
            MemorySegment segment = arena.allocate(byteSize, ALIGNMENT_BYTES);
            return new PoolingIndices(arena, segment, outputShape, inputShape);
        } catch (RuntimeException | OutOfMemoryError e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Indices in memory the caller owns (a backend's workspace tensor: at least {@link #byteSize} bytes, 4-byte
     * aligned); closing the view does not free it.
     */
    public static PoolingIndices view(MemorySegment memory, Shape inputShape, Shape outputShape) {
        long byteSize = byteSize(inputShape, outputShape);
        if (memory.byteSize() < byteSize || memory.address() % Integer.BYTES != 0) {
            throw new IllegalArgumentException("PoolingIndices: memory for " + outputShape + " must hold " + byteSize
                    + " bytes, 4-byte aligned, got " + memory.byteSize() + " bytes at " + memory.address());
        }
        return new PoolingIndices(null, memory.asSlice(0, byteSize), outputShape, inputShape);
    }

    /** Bytes of indices a max pooling from {@code inputShape} to {@code outputShape} needs (checking both shapes). */
    public static long byteSize(Shape inputShape, Shape outputShape) {
        inputShape.requireRank(4, "PoolingIndices: input shape", "N, C, H, W");
        outputShape.requireRank(4, "PoolingIndices: output shape", "N, C, OH, OW");
        if (inputShape.dim(0) != outputShape.dim(0) || inputShape.dim(1) != outputShape.dim(1)) {
            throw new IllegalArgumentException("PoolingIndices: output shape must have the (N, C) of the input shape "
                    + inputShape + ", got " + outputShape);
        }
        if ((long) inputShape.dim(2) * inputShape.dim(3) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("PoolingIndices: an input plane of " + inputShape
                    + " has more elements than an int index can address");
        }
        return Math.multiplyExact(outputShape.elementCount(), (long) Integer.BYTES);
    }

    /** The shape of the indices, that of the pooled output: {@code (N, C, OH, OW)}. */
    public Shape shape() {
        return shape;
    }

    /** The shape of the input the indices point into: {@code (N, C, H, W)}. */
    public Shape inputShape() {
        return inputShape;
    }

    public boolean isOpen() {
        return !closed;
    }

    /** The indices' memory ({@code int}s, row-major), for kernels; fails if closed, naming {@code what}. */
    public MemorySegment segment(String what) {
        if (closed) {
            throw new IllegalStateException(what + " are closed pooling indices " + shape + " (used after close())");
        }
        return segment;
    }

    /** A copy of the indices, row-major. */
    public int[] toIntArray() {
        return segment("toIntArray: indices").toArray(ValueLayout.JAVA_INT);
    }

    /** Frees the memory. Closing twice is harmless. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (arena != null) {
                arena.close();
            }
        }
    }

    @Override
    public String toString() {
        return "PoolingIndices" + shape + " into " + inputShape + (closed ? " (closed)" : "");
    }
}
