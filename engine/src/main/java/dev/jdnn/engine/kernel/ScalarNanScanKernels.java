package dev.jdnn.engine.kernel;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;

/** The reference: one element at a time, {@code v != v}. */
final class ScalarNanScanKernels implements NanScanKernels {

    @Override
    public long firstNaN(MemorySegment x, long offset, long count) {
        for (long i = offset, end = offset + count; i < end; i++) {
            float v = x.getAtIndex(JAVA_FLOAT, i);
            if (v != v) {
                return i;
            }
        }
        return -1;
    }
}
