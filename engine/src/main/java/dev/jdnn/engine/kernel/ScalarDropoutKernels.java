package dev.jdnn.engine.kernel;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/** The scalar dropout: what runs without the Vector API, and the twin the vector kernels are tested beside. */
final class ScalarDropoutKernels implements DropoutKernels {

    @Override
    public void forward(MemorySegment x, MemorySegment y, MemorySegment mask, long key, long threshold, float scale,
                        long offset, long count) {
        for (long wordStart = offset, end = offset + count; wordStart < end; wordStart += Long.SIZE) {
            int n = (int) Math.min(Long.SIZE, end - wordStart);
            long bits = DropoutRandom.keepBits(key, threshold, wordStart, n);
            mask.setAtIndex(JAVA_LONG, wordStart >>> 6, bits);
            apply(x, bits, y, scale, wordStart, n);
        }
    }

    @Override
    public void backward(MemorySegment dy, MemorySegment mask, MemorySegment dx, float scale, long offset,
                         long count) {
        for (long wordStart = offset, end = offset + count; wordStart < end; wordStart += Long.SIZE) {
            int n = (int) Math.min(Long.SIZE, end - wordStart);
            apply(dy, mask.getAtIndex(JAVA_LONG, wordStart >>> 6), dx, scale, wordStart, n);
        }
    }

    /** {@code out[start + j] = in[start + j] · (bit j ? scale : 0)} for {@code j < n}. */
    private static void apply(MemorySegment in, long bits, MemorySegment out, float scale, long start, int n) {
        for (int j = 0; j < n; j++) {
            float noise = (bits >>> j & 1) != 0 ? scale : 0f;
            out.setAtIndex(JAVA_FLOAT, start + j, in.getAtIndex(JAVA_FLOAT, start + j) * noise);
        }
    }
}
