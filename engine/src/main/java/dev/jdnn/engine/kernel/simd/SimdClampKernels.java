package dev.jdnn.engine.kernel.simd;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.jdnn.engine.kernel.ClampKernels;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Clamping on {@link FloatVector} with compares and blends (not {@code min}/{@code max}, whose NaN rules differ from
 * the scalar twin's {@code <} tests), so both give the same bits; the scalar twin's loop finishes the tail.
 */
public final class SimdClampKernels implements ClampKernels {

    private static final VectorSpecies<Float> F = VectorShapes.FLOAT;
    private static final int LANES = VectorShapes.FLOAT_LANES;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    public SimdClampKernels() {
    }

    @Override
    public void forward(MemorySegment x, MemorySegment y, float min, float max, long offset, long count) {
        FloatVector lo = FloatVector.broadcast(F, min);
        FloatVector hi = FloatVector.broadcast(F, max);
        long i = offset;
        for (long bound = offset + F.loopBound(count); i < bound; i += LANES) {
            FloatVector v = FloatVector.fromMemorySegment(F, x, i * Float.BYTES, ORDER);
            v = v.blend(lo, v.compare(VectorOperators.LT, lo));
            v = v.blend(hi, v.compare(VectorOperators.GT, hi));
            v.intoMemorySegment(y, i * Float.BYTES, ORDER);
        }
        for (long end = offset + count; i < end; i++) {
            float v = x.getAtIndex(JAVA_FLOAT, i);
            y.setAtIndex(JAVA_FLOAT, i, v < min ? min : v > max ? max : v);
        }
    }

    @Override
    public void backward(MemorySegment x, MemorySegment dy, MemorySegment dx, float min, float max, long offset,
                         long count) {
        FloatVector lo = FloatVector.broadcast(F, min);
        FloatVector hi = FloatVector.broadcast(F, max);
        FloatVector zero = FloatVector.zero(F);
        long i = offset;
        for (long bound = offset + F.loopBound(count); i < bound; i += LANES) {
            long byteOffset = i * Float.BYTES;
            FloatVector v = FloatVector.fromMemorySegment(F, x, byteOffset, ORDER);
            VectorMask<Float> inside = v.compare(VectorOperators.GT, lo).and(v.compare(VectorOperators.LT, hi));
            FloatVector.fromMemorySegment(F, dy, byteOffset, ORDER).blend(zero, inside.not())
                    .intoMemorySegment(dx, byteOffset, ORDER);
        }
        for (long end = offset + count; i < end; i++) {
            float v = x.getAtIndex(JAVA_FLOAT, i);
            dx.setAtIndex(JAVA_FLOAT, i, v > min && v < max ? dy.getAtIndex(JAVA_FLOAT, i) : 0f);
        }
    }
}
