package dev.jdnn.engine.tensor;

import java.util.Arrays;

/**
 * The sizes of a tensor's axes, outermost first ({@code (N, C, H, W)} for images). Every size is positive; the element
 * count must fit in a {@code long}. Errors name what was being checked and say expected vs got.
 */
public record Shape(int... dims) {

    public Shape {
        dims = dims.clone();
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] <= 0) {
                throw new IllegalArgumentException(
                        "shape " + format(dims) + ": dimension " + i + " must be positive, got " + dims[i]);
            }
        }
        long count = 1;
        for (int d : dims) {
            try {
                count = Math.multiplyExact(count, d);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("shape " + format(dims) + ": element count overflows a long", e);
            }
        }
    }

    public static Shape of(int... dims) {
        return new Shape(dims);
    }

    /** The sizes, as a fresh array. */
    @Override
    public int[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    /** Size of axis {@code axis}; negative axes count from the end ({@code -1} is the last). */
    public int dim(int axis) {
        return dims[normalizeAxis(axis)];
    }

    /** Number of elements: the product of all sizes (1 for rank 0). */
    public long elementCount() {
        long count = 1;
        for (int d : dims) {
            count *= d;
        }
        return count;
    }

    /** Product of the sizes of axes {@code from} (inclusive) to the end. */
    public long elementCountFrom(int from) {
        long count = 1;
        for (int i = normalizeAxis(from); i < dims.length; i++) {
            count *= dims[i];
        }
        return count;
    }

    /** Row-major strides, in elements. */
    public long[] contiguousStrides() {
        long[] strides = new long[dims.length];
        long stride = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= dims[i];
        }
        return strides;
    }

    /** This shape with axis {@code axis} set to {@code size}. */
    public Shape withDim(int axis, int size) {
        int[] copy = dims.clone();
        copy[normalizeAxis(axis)] = size;
        return new Shape(copy);
    }

    /**
     * Checks the rank. {@code what} names the argument ({@code "conv2d: input"}) and {@code axisNames} the expected axes
     * ({@code "N, C, H, W"}), so the message reads {@code conv2d: input must be (N, C, H, W), got (3, 224, 224)}.
     */
    public Shape requireRank(int rank, String what, String axisNames) {
        if (dims.length != rank) {
            throw new IllegalArgumentException(what + " must be (" + axisNames + "), got " + this);
        }
        return this;
    }

    /** Checks equality with {@code expected}; the message names {@code what} and gives both shapes. */
    public Shape requireEqual(Shape expected, String what) {
        if (!equals(expected)) {
            throw new IllegalArgumentException(what + " must have shape " + expected + ", got " + this);
        }
        return this;
    }

    private int normalizeAxis(int axis) {
        int normalized = axis < 0 ? axis + dims.length : axis;
        if (normalized < 0 || normalized >= dims.length) {
            throw new IndexOutOfBoundsException("axis " + axis + " is out of range for shape " + this);
        }
        return normalized;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Shape shape && Arrays.equals(dims, shape.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** {@code (3, 224, 224)}; rank 0 is {@code ()}. */
    @Override
    public String toString() {
        return format(dims);
    }

    private static String format(int[] dims) {
        StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            text.append(i == 0 ? "" : ", ").append(dims[i]);
        }
        return text.append(')').toString();
    }
}
