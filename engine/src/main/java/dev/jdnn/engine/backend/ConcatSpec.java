package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.Shape;
import java.util.List;

/**
 * A concatenation of tensors along one axis ({@code torch.cat(inputs, axis)}): GoogLeNet's inception outputs and
 * DenseNet's feature stacking are channel concatenations (axis 1) of {@code (N, Ci, H, W)} tensors. The inputs have the
 * same rank and equal sizes on every axis but {@code axis}; a negative axis counts from the end and is stored
 * normalized, so {@code -3} and {@code 1} of a rank-4 spec are one key. Backends compile one {@link Concat} per spec.
 *
 * @param inputs the inputs' shapes, in order (copied, immutable)
 * @param axis   the axis to concatenate along, in {@code [0, rank)} once normalized
 */
public record ConcatSpec(List<Shape> inputs, int axis) {

    public ConcatSpec {
        if (inputs == null) {
            throw new IllegalArgumentException("concat: the list of input shapes is null");
        }
        inputs = List.copyOf(inputs); // also refuses null elements
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("concat: needs at least one input, got none");
        }
        Shape first = inputs.get(0);
        int rank = first.rank();
        if (rank == 0) {
            throw new IllegalArgumentException("concat: inputs must have at least one axis, got " + first);
        }
        if (axis < -rank || axis >= rank) {
            throw new IllegalArgumentException("concat: axis " + axis + " is out of range for inputs of rank " + rank);
        }
        axis = axis < 0 ? axis + rank : axis;
        long total = 0;
        for (int i = 0; i < inputs.size(); i++) {
            Shape shape = inputs.get(i);
            if (shape.rank() != rank) {
                throw new IllegalArgumentException("concat: input " + i + " must have rank " + rank
                        + " like input 0 " + first + ", got " + shape);
            }
            for (int d = 0; d < rank; d++) {
                if (d != axis && shape.dim(d) != first.dim(d)) {
                    throw new IllegalArgumentException("concat: input " + i + " " + shape
                            + " must match input 0 " + first + " on every axis but " + axis + ", differs on axis " + d);
                }
            }
            total += shape.dim(axis);
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("concat: the output would have " + total + " entries on axis " + axis);
        }
    }

    /** Convenience: {@code new ConcatSpec(List.of(inputs), axis)}. */
    public static ConcatSpec of(int axis, Shape... inputs) {
        return new ConcatSpec(List.of(inputs), axis);
    }

    /** The inputs' common shape with the sum of their sizes on {@code axis}. */
    public Shape outputShape() {
        int total = 0;
        for (Shape shape : inputs) {
            total += shape.dim(axis);
        }
        return inputs.get(0).withDim(axis, total);
    }

    /** Where input {@code index} starts along {@code axis} of the output. */
    public int offsetOnAxis(int index) {
        int offset = 0;
        for (int i = 0; i < index; i++) {
            offset += inputs.get(i).dim(axis);
        }
        return offset;
    }
}
