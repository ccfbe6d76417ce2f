package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;

/**
 * Local response normalization across channels at segment level, over the pixels {@code [pixelFrom, pixelFrom +
 * pixelCount)} of one image of an f32 NCHW tensor: {@code imageOffset} (elements) is where the image starts, channel
 * {@code c} of pixel {@code p} is at {@code imageOffset + c * planeSize + p}. Channel {@code c}'s window is
 * {@code [c - before, c + after]} clipped to the channels; {@code s_c = k + alphaOverSize · Σ_window a²}. No checks, no
 * threads ({@link Lrn} does both).
 */
public interface LrnKernels {

    /** The plain-loop implementation, and the one a vector implementation's tails delegate to. */
    static LrnKernels scalar() {
        return new ScalarLrnKernels();
    }

    /** {@code y_c = x_c · s_c^-beta}. */
    void forward(MemorySegment x, MemorySegment y, long imageOffset, // (C, H·W) each
                 int channels, int planeSize, int pixelFrom, int pixelCount,
                 int before, int after, float alphaOverSize, float beta, float k);

    /**
     * {@code dx_c = dy_c · s_c^-beta − 2·alphaOverSize·beta · x_c · Σ_j dy_j · x_j · s_j^-beta / s_j} over the
     * {@code j} whose window holds {@code c},
     * overwriting {@code dx}; {@code scratch} holds at least {@code channels · pixelCount} floats.
     */
    void backward(MemorySegment x, MemorySegment dy, MemorySegment dx, long imageOffset, // (C, H·W) each
                  int channels, int planeSize, int pixelFrom, int pixelCount,
                  int before, int after, float alphaOverSize, float beta, float k,
                  float[] scratch); // (C, pixelCount)
}
