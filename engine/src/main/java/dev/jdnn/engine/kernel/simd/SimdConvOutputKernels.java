package dev.jdnn.engine.kernel.simd;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.jdnn.engine.kernel.ConvOutputKernels;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The convolution epilogue on {@link FloatVector}: whole vectors of each output row, then the row's tail element by
 * element, with the same operations in the same order as the scalar twin (so the two agree bit for bit). ReLU is a
 * compare and blend, not {@code max}, so that a NaN stays NaN and -0 becomes 0, as in the scalar {@code v <= 0} test
 * and the engine's ReLU.
 */
public final class SimdConvOutputKernels implements ConvOutputKernels {

    private static final VectorSpecies<Float> F = VectorShapes.FLOAT;
    private static final int LANES = VectorShapes.FLOAT_LANES;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    public SimdConvOutputKernels() {
    }

    @Override
    public void store(MemorySegment c, long cOffset, long cChannelStride, long cRowStride,
                      MemorySegment bias, long biasOffset, boolean accumulate, boolean relu,
                      MemorySegment y, long yOffset, int channels, int outHeight, int outWidth) {
        FloatVector zero = FloatVector.zero(F);
        int vectorEnd = F.loopBound(outWidth);
        long target = yOffset;
        for (int ch = 0; ch < channels; ch++) {
            float b = bias == null ? 0f : bias.getAtIndex(JAVA_FLOAT, biasOffset + ch);
            FloatVector bv = FloatVector.broadcast(F, b);
            for (int oh = 0; oh < outHeight; oh++, target += outWidth) {
                long source = cOffset + ch * cChannelStride + oh * cRowStride;
                int ow = 0;
                for (; ow < vectorEnd; ow += LANES) {
                    FloatVector v = FloatVector.fromMemorySegment(F, c, (source + ow) * Float.BYTES, ORDER);
                    long yByte = (target + ow) * Float.BYTES;
                    if (accumulate) {
                        v = v.add(FloatVector.fromMemorySegment(F, y, yByte, ORDER));
                    }
                    if (bias != null) {
                        v = v.add(bv);
                    }
                    if (relu) {
                        v = v.blend(zero, v.compare(VectorOperators.LE, zero));
                    }
                    v.intoMemorySegment(y, yByte, ORDER);
                }
                for (; ow < outWidth; ow++) {
                    float v = c.getAtIndex(JAVA_FLOAT, source + ow);
                    if (accumulate) {
                        v += y.getAtIndex(JAVA_FLOAT, target + ow);
                    }
                    if (bias != null) {
                        v += b;
                    }
                    if (relu && v <= 0f) {
                        v = 0f;
                    }
                    y.setAtIndex(JAVA_FLOAT, target + ow, v);
                }
            }
        }
    }
}
