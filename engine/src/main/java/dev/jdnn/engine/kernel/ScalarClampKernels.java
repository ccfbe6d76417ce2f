package dev.jdnn.engine.kernel;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;

/** {@link ClampKernels} with plain loops: the reference of the Vector API twin. */
final class ScalarClampKernels implements ClampKernels {

    @Override
    public void forward(MemorySegment x, MemorySegment y, float min, float max, long offset, long count) {
        for (long i = offset, end = offset + count; i < end; i++) {
            float v = x.getAtIndex(JAVA_FLOAT, i);
            y.setAtIndex(JAVA_FLOAT, i, v < min ? min : v > max ? max : v);
        }
    }

    @Override
    public void backward(MemorySegment x, MemorySegment dy, MemorySegment dx, float min, float max, long offset,
                         long count) {
        for (long i = offset, end = offset + count; i < end; i++) {
            float v = x.getAtIndex(JAVA_FLOAT, i);
            dx.setAtIndex(JAVA_FLOAT, i, v > min && v < max ? dy.getAtIndex(JAVA_FLOAT, i) : 0f);
        }
    }
}
