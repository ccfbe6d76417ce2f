package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@link ConvOutputKernels} with plain loops: the reference the Vector API twin is tested against. */
final class ScalarConvOutputKernels implements ConvOutputKernels {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    @Override
    public void store(MemorySegment c, long cOffset, long cChannelStride, long cRowStride,
                      MemorySegment bias, long biasOffset, boolean accumulate, boolean relu,
                      MemorySegment y, long yOffset, int channels, int outHeight, int outWidth) {
        long target = yOffset;
        for (int ch = 0; ch < channels; ch++) {
            float b = bias == null ? 0f : bias.getAtIndex(F32, biasOffset + ch);
            for (int oh = 0; oh < outHeight; oh++) {
                long source = cOffset + ch * cChannelStride + oh * cRowStride;
                for (int ow = 0; ow < outWidth; ow++, target++) {
                    float v = c.getAtIndex(F32, source + ow);
                    if (accumulate) {
                        v += y.getAtIndex(F32, target);
                    }
                    if (bias != null) {
                        v += b;
                    }
                    if (relu && v <= 0f) {
                        v = 0f;
                    }
                    y.setAtIndex(F32, target, v);
                }
            }
        }
    }
}
