package dev.jdnn.engine.kernel;

import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;

/**
 * Concatenation along an axis and its inverse, the split, for row-major tensors of any element type. Both are pure
 * data movement: for each index of the axes before {@code axis} (the outer rows), every part's row is one contiguous
 * run of bytes in the whole, so each is one {@link MemorySegment#copy} (a {@code memcpy}). Bits are copied unchanged
 * (NaN payloads included). Rows are spread over {@link Parallel#forEach} in tasks of about {@value #CHUNK_BYTES}
 * bytes; a single outer row (a batch-1 channel concatenation) is one task, as such a copy is bound by memory bandwidth
 * rather than by a core. No segment-level kernel interface: there is nothing to vectorize beyond {@code memcpy}.
 */
public final class Concatenation {

    /** Bytes per parallel task. */
    static final long CHUNK_BYTES = 64 * 1024;

    private Concatenation() {
    }

    /** Writes {@code parts} side by side along {@code axis} into {@code whole}; {@code whole} overlaps no part. */
    public static void concat(List<Tensor> parts, int axis, Tensor whole) {
        move(parts, axis, whole, true);
    }

    /** Overwrites each of {@code parts} with its slice of {@code whole} along {@code axis}: the inverse of concat. */
    public static void split(Tensor whole, int axis, List<Tensor> parts) {
        move(parts, axis, whole, false);
    }

    private static void move(List<Tensor> parts, int axis, Tensor whole, boolean concat) {
        String op = concat ? "concat" : "split";
        Objects.requireNonNull(parts, op + ": parts");
        Objects.requireNonNull(whole, op + ": whole");
        Shape wholeShape = whole.shape();
        if (axis < 0 || axis >= wholeShape.rank()) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for " + wholeShape);
        }
        int count = parts.size();
        int elementBytes = whole.dtype().byteSize();
        long outer = wholeShape.elementCount() / wholeShape.elementCountFrom(axis);
        long wholeRowBytes = wholeShape.elementCountFrom(axis) * elementBytes;
        MemorySegment wholeSegment = whole.segment(op + ": whole");
        MemorySegment[] segments = new MemorySegment[count];
        long[] rowBytes = new long[count];   // one part's row
        long[] rowOffsets = new long[count]; // where it starts in the whole's row, in bytes
        long offset = 0;
        for (int i = 0; i < count; i++) {
            Tensor part = Objects.requireNonNull(parts.get(i), op + ": part " + i);
            part.requireDType(whole.dtype(), op + ": part " + i);
            part.shape().requireEqual(wholeShape.withDim(axis, part.shape().rank() == wholeShape.rank()
                    ? part.dim(axis) : 1), op + ": part " + i);
            segments[i] = part.segment(op + ": part " + i);
            rowBytes[i] = part.shape().elementCountFrom(axis) * elementBytes;
            rowOffsets[i] = offset;
            offset += rowBytes[i];
        }
        if (offset != wholeRowBytes) {
            throw new IllegalArgumentException(op + ": the parts' sizes on axis " + axis + " must add up to "
                    + wholeShape.dim(axis) + " of " + wholeShape);
        }
        long rowsPerTask = Math.max(1, CHUNK_BYTES / wholeRowBytes);
        int tasks = Math.toIntExact((outer + rowsPerTask - 1) / rowsPerTask);
        Parallel.forEach(tasks, (task, worker) -> {
            long first = task * rowsPerTask;
            long end = Math.min(outer, first + rowsPerTask);
            for (long row = first; row < end; row++) {
                for (int i = 0; i < count; i++) {
                    long partByte = row * rowBytes[i];
                    long wholeByte = row * wholeRowBytes + rowOffsets[i];
                    if (concat) {
                        MemorySegment.copy(segments[i], partByte, wholeSegment, wholeByte, rowBytes[i]);
                    } else {
                        MemorySegment.copy(wholeSegment, wholeByte, segments[i], partByte, rowBytes[i]);
                    }
                }
            }
        });
    }
}
