package dev.jdnn.engine.kernel.simd;

import dev.jdnn.engine.kernel.ScalarIm2colKernels;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

/**
 * im2col with the Vector API for stride 2: each row piece takes every other input element, so two vector loads
 * (2·lanes consecutive inputs) and one two-vector shuffle of their even lanes give a vector of outputs; a row's last
 * fewer-than-lanes outputs are copied one by one. Everything else (stride 1's bulk copies, the zero runs, other
 * strides, col2im) is the scalar twin's.
 */
public final class SimdIm2colKernels extends ScalarIm2colKernels {

    private static final int LANES = VectorShapes.FLOAT_LANES;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Lane i takes lane 2i of (first, second): indices past the first vector wrap into the second. */
    private static final VectorShuffle<Float> EVEN_LANES = VectorShuffle.fromOp(VectorShapes.FLOAT, i -> 2 * i);

    public SimdIm2colKernels() {
    }

    @Override
    protected void gather(MemorySegment input, long source, int stride, MemorySegment columns, long target,
                          int count) {
        if (stride != 2) {
            super.gather(input, source, stride, columns, target, count);
            return;
        }
        long inputElements = input.byteSize() / Float.BYTES;
        int i = 0;
        // The loads read 2·lanes inputs from source + 2i: stop while that stays inside the segment.
        for (; i + LANES <= count && source + 2L * (i + LANES) <= inputElements; i += LANES) {
            long from = (source + 2L * i) * Float.BYTES;
            FloatVector first = FloatVector.fromMemorySegment(VectorShapes.FLOAT, input, from, ORDER);
            FloatVector second = FloatVector.fromMemorySegment(VectorShapes.FLOAT, input,
                    from + (long) LANES * Float.BYTES, ORDER);
            first.rearrange(EVEN_LANES, second)
                    .intoMemorySegment(columns, (target + i) * Float.BYTES, ORDER);
        }
        // The rest (fewer than lanes outputs, or near the segment's end) element by element: masked vector loads
        // with a mask made per call ran the Vector API's Java fallback (FloatVector.ldLongOp), a sixth of the time of
        // ResNet-50's stride-2 3x3 convolutions, whose phase rows are 29 wide.
        if (i < count) {
            super.gather(input, source + 2L * i, 2, columns, target + i, count - i);
        }
    }
}
