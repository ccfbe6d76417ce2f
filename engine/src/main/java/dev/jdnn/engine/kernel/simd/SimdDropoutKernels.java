package dev.jdnn.engine.kernel.simd;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.jdnn.engine.kernel.DropoutKernels;
import dev.jdnn.engine.kernel.DropoutRandom;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dropout on {@link FloatVector}: the keep bits of a word become lane masks ({@link VectorMask#fromLong}), which blend
 * the scale into a zero vector; the product is the scalar twin's, bit for bit. The bits themselves are drawn by
 * {@link DropoutRandom}, one 64-bit hash per two elements.
 */
public final class SimdDropoutKernels implements DropoutKernels {

    private static final VectorSpecies<Float> F = VectorShapes.FLOAT;
    private static final int LANES = VectorShapes.FLOAT_LANES;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long FLOAT_BYTES = Float.BYTES;

    public SimdDropoutKernels() {
    }

    @Override
    public void forward(MemorySegment x, MemorySegment y, MemorySegment mask, long key, long threshold, float scale,
                        long offset, long count) {
        FloatVector zero = FloatVector.zero(F);
        for (long wordStart = offset, end = offset + count; wordStart < end; wordStart += Long.SIZE) {
            int n = (int) Math.min(Long.SIZE, end - wordStart);
            long bits = DropoutRandom.keepBits(key, threshold, wordStart, n);
            mask.setAtIndex(JAVA_LONG, wordStart >>> 6, bits);
            apply(x, bits, y, scale, zero, wordStart, n);
        }
    }

    @Override
    public void backward(MemorySegment dy, MemorySegment mask, MemorySegment dx, float scale, long offset,
                         long count) {
        FloatVector zero = FloatVector.zero(F);
        for (long wordStart = offset, end = offset + count; wordStart < end; wordStart += Long.SIZE) {
            int n = (int) Math.min(Long.SIZE, end - wordStart);
            apply(dy, mask.getAtIndex(JAVA_LONG, wordStart >>> 6), dx, scale, zero, wordStart, n);
        }
    }

    private static void apply(MemorySegment in, long bits, MemorySegment out, float scale, FloatVector zero,
                              long start, int n) {
        int j = 0;
        for (; j <= n - LANES; j += LANES) {
            long byteOffset = (start + j) * FLOAT_BYTES;
            FloatVector noise = zero.blend(scale, VectorMask.fromLong(F, bits >>> j));
            FloatVector.fromMemorySegment(F, in, byteOffset, ORDER).mul(noise)
                    .intoMemorySegment(out, byteOffset, ORDER);
        }
        for (; j < n; j++) {
            float noise = (bits >>> j & 1) != 0 ? scale : 0f;
            out.setAtIndex(JAVA_FLOAT, start + j, in.getAtIndex(JAVA_FLOAT, start + j) * noise);
        }
    }
}
