package dev.jdnn.engine.kernel.simd;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.jdnn.engine.kernel.NanScanKernels;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The NaN scan on {@link FloatVector}: one {@code IS_NAN} test per vector; the first vector holding a NaN, and the tail,
 * are searched element by element, so the answer is the scalar twin's.
 */
public final class SimdNanScanKernels implements NanScanKernels {

    private static final VectorSpecies<Float> F = VectorShapes.FLOAT;
    private static final int LANES = VectorShapes.FLOAT_LANES;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    public SimdNanScanKernels() {
    }

    @Override
    public long firstNaN(MemorySegment x, long offset, long count) {
        long i = offset;
        for (long bound = offset + F.loopBound(count); i < bound; i += LANES) {
            FloatVector v = FloatVector.fromMemorySegment(F, x, i * Float.BYTES, ORDER);
            if (v.test(VectorOperators.IS_NAN).anyTrue()) {
                break;
            }
        }
        for (long end = offset + count; i < end; i++) {
            float v = x.getAtIndex(JAVA_FLOAT, i);
            if (v != v) {
                return i;
            }
        }
        return -1;
    }
}
