package dev.jdnn.engine.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * An n-dimensional array in off-heap memory: a 64-byte aligned {@link MemorySegment}, a {@link Shape}, row-major
 * strides and a {@link DType}.
 *
 * <p>A tensor either owns its memory (made by {@link #allocate}: it holds its own {@link Arena} and {@link #close()}
 * frees the memory at once) or lives in a caller's arena ({@link #allocate(Arena, Shape, DType)}: the arena frees it;
 * {@code close()} only marks it closed). Views ({@link #reshape}, {@link #sliceBatch}, {@link #flatten}) share their
 * base's memory without copying, are closed with it, and closing a view leaves the base open.
 *
 * <p>Every access through a closed tensor fails with an {@link IllegalStateException} that names the tensor; it never
 * reads freed memory.
 */
public final class Tensor implements AutoCloseable {

    private static final long ALIGNMENT_BYTES = 64;
    private static final int PREVIEW_VALUES = 6;

    /** The memory all views of one allocation share, and whether it has been closed. */
    private static final class Storage {
        final MemorySegment segment;
        final Arena ownArena; // null when the caller's arena owns the memory
        volatile boolean closed;

        Storage(MemorySegment segment, Arena ownArena) {
            this.segment = segment;
            this.ownArena = ownArena;
        }
    }

    private final Storage storage;
    private final boolean isView;
    private final MemorySegment segment; // exactly this tensor's elements
    private final Shape shape;
    private final long[] strides; // in elements
    private final DType dtype;

    private Tensor(Storage storage, boolean isView, MemorySegment segment, Shape shape, DType dtype) {
        this.storage = storage;
        this.isView = isView;
        this.segment = segment;
        this.shape = shape;
        this.strides = shape.contiguousStrides();
        this.dtype = dtype;
    }

    /** A zero-filled tensor that owns its memory; {@link #close()} frees it. Usable from any thread. */
    public static Tensor allocate(Shape shape, DType dtype) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment segment = arena.allocate(byteSize(shape, dtype), ALIGNMENT_BYTES);
            return new Tensor(new Storage(segment, arena), false, segment, shape, dtype);
        } catch (RuntimeException | OutOfMemoryError e) {
            arena.close();
            throw e;
        }
    }

    /** A zero-filled f32 tensor that owns its memory. */
    public static Tensor allocate(int... dims) {
        return allocate(Shape.of(dims), DType.F32);
    }

    /** A zero-filled tensor in {@code arena}, freed when the arena closes. */
    public static Tensor allocate(Arena arena, Shape shape, DType dtype) {
        MemorySegment segment = arena.allocate(byteSize(shape, dtype), ALIGNMENT_BYTES);
        return new Tensor(new Storage(segment, null), false, segment, shape, dtype);
    }

    /** An f32 tensor of shape {@code dims} holding a copy of {@code values} (row-major). */
    public static Tensor of(float[] values, int... dims) {
        Shape shape = Shape.of(dims);
        if (values.length != shape.elementCount()) {
            throw new IllegalArgumentException(
                    "Tensor.of: values must have " + shape.elementCount() + " elements for shape " + shape
                            + ", got " + values.length);
        }
        Tensor tensor = allocate(shape, DType.F32);
        tensor.copyFrom(values);
        return tensor;
    }

    private static long byteSize(Shape shape, DType dtype) {
        try {
            return Math.multiplyExact(shape.elementCount(), dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("tensor of shape " + shape + " is too large", e);
        }
    }

    public Shape shape() {
        return shape;
    }

    public DType dtype() {
        return dtype;
    }

    public int rank() {
        return shape.rank();
    }

    /** Size of axis {@code axis}; negative axes count from the end. */
    public int dim(int axis) {
        return shape.dim(axis);
    }

    public long elementCount() {
        return shape.elementCount();
    }

    public long byteSize() {
        return segment.byteSize();
    }

    /** Strides in elements (row-major for every tensor today). */
    public long[] strides() {
        return strides.clone();
    }

    /** Whether the elements are laid out row-major without gaps. */
    public boolean isContiguous() {
        return Arrays.equals(strides, shape.contiguousStrides());
    }

    /** Whether this tensor is a view of another tensor's memory. */
    public boolean isView() {
        return isView;
    }

    public boolean isOpen() {
        return !storage.closed && segment.scope().isAlive();
    }

    /**
     * This tensor's memory, for kernels. Fails if the tensor is closed; {@code what} names it in the message
     * ({@code "sgemm: a"}).
     */
    public MemorySegment segment(String what) {
        requireOpen(what);
        return segment;
    }

    /** This tensor's memory, for kernels; fails if the tensor is closed. */
    public MemorySegment segment() {
        return segment("tensor");
    }

    /** Fails with a message naming {@code what} if this tensor has been closed. */
    public Tensor requireOpen(String what) {
        if (!isOpen()) {
            throw new IllegalStateException(what + " is a closed tensor " + shape + " (it was used after close())");
        }
        return this;
    }

    /** Fails with a message naming {@code what} unless this tensor holds {@code expected} elements. */
    public Tensor requireDType(DType expected, String what) {
        if (dtype != expected) {
            throw new IllegalArgumentException(what + " must be " + expected + ", got " + dtype);
        }
        return this;
    }

    /** A view with the same elements in a new shape; {@code -1} in one place means "whatever is left". */
    public Tensor reshape(int... dims) {
        requireOpen("reshape: tensor");
        int[] resolved = dims.clone();
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < resolved.length; i++) {
            if (resolved[i] == -1) {
                if (inferred >= 0) {
                    throw new IllegalArgumentException("reshape: at most one size may be -1, got " + Arrays.toString(dims));
                }
                inferred = i;
            } else if (resolved[i] <= 0) {
                throw new IllegalArgumentException("reshape: sizes must be positive or -1, got " + Arrays.toString(dims));
            } else if (resolved[i] > Long.MAX_VALUE / known) { // the product would overflow a long
                throw new IllegalArgumentException("reshape: cannot view " + shape + " as " + Arrays.toString(dims)
                        + ": the sizes multiply to more than " + elementCount() + " elements");
            } else {
                known *= resolved[i];
            }
        }
        if (inferred >= 0) {
            if (elementCount() % known != 0) {
                throw new IllegalArgumentException(
                        "reshape: cannot view " + shape + " as " + Arrays.toString(dims) + ": " + elementCount()
                                + " elements are not divisible by " + known);
            }
            resolved[inferred] = Math.toIntExact(elementCount() / known);
        }
        Shape target = Shape.of(resolved);
        if (target.elementCount() != elementCount()) {
            throw new IllegalArgumentException(
                    "reshape: cannot view " + shape + " (" + elementCount() + " elements) as " + target + " ("
                            + target.elementCount() + " elements)");
        }
        return new Tensor(storage, true, segment, target, dtype);
    }

    /** A view of all elements as one axis. */
    public Tensor flatten() {
        requireOpen("flatten: tensor");
        return reshape(Math.toIntExact(elementCount()));
    }

    /** A view that keeps axes before {@code startAxis} and merges the rest into one ({@code torch.flatten(x, 1)}). */
    public Tensor flatten(int startAxis) {
        requireOpen("flatten: tensor");
        int start = startAxis < 0 ? startAxis + rank() : startAxis;
        if (start < 0 || start >= rank()) {
            throw new IllegalArgumentException("flatten: start axis " + startAxis + " is out of range for " + shape);
        }
        int[] dims = new int[start + 1];
        for (int i = 0; i < start; i++) {
            dims[i] = shape.dim(i);
        }
        dims[start] = Math.toIntExact(shape.elementCountFrom(start));
        return reshape(dims);
    }

    /** A view of items {@code [from, from + count)} along axis 0 (the batch axis). */
    public Tensor sliceBatch(int from, int count) {
        requireOpen("sliceBatch: tensor");
        int batch = shape.dim(0);
        if (from < 0 || count <= 0 || from + count > batch || from + count < 0) {
            throw new IllegalArgumentException(
                    "sliceBatch: range [" + from + ", " + ((long) from + count) + ") must lie inside batch axis of size "
                            + batch + " of " + shape);
        }
        long itemBytes = strides[0] * dtype.byteSize();
        MemorySegment slice = segment.asSlice(from * itemBytes, count * itemBytes);
        return new Tensor(storage, true, slice, shape.withDim(0, count), dtype);
    }

    /** Copies {@code values} (row-major) into this f32 tensor. */
    public void copyFrom(float[] values) {
        requireDType(DType.F32, "copyFrom: tensor");
        if (values.length != elementCount()) {
            throw new IllegalArgumentException(
                    "copyFrom: values must have " + elementCount() + " elements for " + shape + ", got " + values.length);
        }
        MemorySegment.copy(values, 0, segment("copyFrom: tensor"), ValueLayout.JAVA_FLOAT, 0, values.length);
    }

    /** A new tensor that owns a copy of this one's elements (same shape and dtype); the caller closes it. */
    public Tensor copy() {
        MemorySegment source = segment("copy: tensor");
        Tensor copy = allocate(shape, dtype);
        MemorySegment.copy(source, 0, copy.segment, 0, source.byteSize());
        return copy;
    }

    /** Copies this f32 tensor's elements (row-major) into a new array. */
    public float[] toFloatArray() {
        requireDType(DType.F32, "toFloatArray: tensor");
        if (elementCount() > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("toFloatArray: tensor " + shape + " is too large for a Java array");
        }
        return segment("toFloatArray: tensor").toArray(ValueLayout.JAVA_FLOAT);
    }

    /** Copies another tensor of the same shape and dtype into this one. */
    public void copyFrom(Tensor source) {
        source.shape.requireEqual(shape, "copyFrom: source");
        source.requireDType(dtype, "copyFrom: source");
        MemorySegment.copy(source.segment("copyFrom: source"), 0, segment("copyFrom: target"), 0, byteSize());
    }

    /** Sets every element of this f32 tensor to {@code value}. */
    public void fill(float value) {
        requireDType(DType.F32, "fill: tensor");
        MemorySegment target = segment("fill: tensor");
        if (value == 0f && Float.floatToRawIntBits(value) == 0) {
            target.fill((byte) 0);
            return;
        }
        for (long i = 0, n = elementCount(); i < n; i++) {
            target.setAtIndex(ValueLayout.JAVA_FLOAT, i, value);
        }
    }

    /** The f32 element at {@code index} (one index per axis). */
    public float get(int... index) {
        requireDType(DType.F32, "get: tensor");
        return segment("get: tensor").getAtIndex(ValueLayout.JAVA_FLOAT, elementIndex(index));
    }

    /** Sets the f32 element at {@code index} (one index per axis). */
    public void set(float value, int... index) {
        requireDType(DType.F32, "set: tensor");
        segment("set: tensor").setAtIndex(ValueLayout.JAVA_FLOAT, elementIndex(index), value);
    }

    private long elementIndex(int[] index) {
        if (index.length != rank()) {
            throw new IllegalArgumentException(
                    "index " + Arrays.toString(index) + " must have one entry per axis of " + shape);
        }
        long offset = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape.dim(i)) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " is outside " + shape);
            }
            offset += index[i] * strides[i];
        }
        return offset;
    }

    /**
     * Frees the memory if this tensor owns it (and closes every view of it); a tensor in a caller's arena is only
     * marked closed; closing a view does nothing to its base. Closing twice is harmless.
     */
    @Override
    public void close() {
        if (isView || storage.closed) {
            return;
        }
        synchronized (storage) {
            if (storage.closed) {
                return;
            }
            storage.closed = true;
            if (storage.ownArena != null) {
                storage.ownArena.close();
            }
        }
    }

    /** {@code Tensor(2, 3) f32 [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]}, with the first few values when open. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Tensor").append(shape).append(' ').append(dtype);
        if (!isOpen()) {
            return text.append(" (closed)").toString();
        }
        if (dtype != DType.F32) {
            return text.toString();
        }
        text.append(" [");
        long count = elementCount();
        long shown = Math.min(count, PREVIEW_VALUES);
        for (long i = 0; i < shown; i++) {
            text.append(i == 0 ? "" : ", ").append(segment.getAtIndex(ValueLayout.JAVA_FLOAT, i));
        }
        if (count > shown) {
            text.append(", ... (").append(count - shown).append(" more)");
        }
        return text.append(']').toString();
    }
}
