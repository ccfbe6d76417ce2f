package dev.jdnn.engine.kernel.simd;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.jdnn.engine.kernel.Activation;
import dev.jdnn.engine.kernel.ActivationKernels;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The element-wise kernels on {@link FloatVector}: one loop per function over full vectors, then a scalar tail for the
 * last {@code count % LANES} elements. Each function has a vector and a float overload with the same arithmetic in the
 * same order as the scalar twin (see there for the two gradients computed more accurately than PyTorch's formulas);
 * {@link VectorOperators#EXP} and {@link VectorOperators#TANH} are within an ulp, not always correctly rounded.
 *
 * <p>Why scalar tails rather than masked ones: a tail runs rarely, and C2 does not inline a helper at a call site
 * that its profile has not seen reached, so a vector handed to or returned from such a helper would be boxed on the
 * heap. Plain floats in the tail cannot be. For the same reason one loop per function rather than a switch inside
 * the loop: no vector value merges across branches.
 */
public final class SimdActivationKernels implements ActivationKernels {

    private static final VectorSpecies<Float> F = VectorShapes.FLOAT;
    private static final int LANES = VectorShapes.FLOAT_LANES;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long FLOAT_BYTES = Float.BYTES;
    private static final float ONE_SIXTH = 1f / 6f;

    public SimdActivationKernels() {
    }

    // ---- forward ------------------------------------------------------------------------------------------------

    @Override
    public void forward(Activation f, MemorySegment x, MemorySegment y, long offset, long count) {
        switch (f) {
            case RELU -> reluForward(x, y, offset, count);
            case TANH -> tanhForward(x, y, offset, count);
            case SIGMOID -> sigmoidForward(x, y, offset, count);
            case SILU -> siluForward(x, y, offset, count);
            case HARDSWISH -> hardswishForward(x, y, offset, count);
            case HARDSIGMOID -> hardsigmoidForward(x, y, offset, count);
        }
    }

    private static void reluForward(MemorySegment x, MemorySegment y, long offset, long count) {
        long i = offset;
        for (long bound = offset + F.loopBound(count); i < bound; i += LANES) {
            relu(load(x, i)).intoMemorySegment(y, i * FLOAT_BYTES, ORDER);
        }
        for (long end = offset + count; i < end; i++) {
            y.setAtIndex(JAVA_FLOAT, i, relu(x.getAtIndex(JAVA_FLOAT, i)));
        }
    }

    private static void tanhForward(MemorySegment x, MemorySegment y, long offset, long count) {
        long i = offset;
        for (long bound = offset + F.loopBound(count); i < bound; i += LANES) {
            load(x, i).lanewise(VectorOperators.TANH).intoMemorySegment(y, i * FLOAT_BYTES, ORDER);
        }
        for (long end = offset + count; i < end; i++) {
            y.setAtIndex(JAVA_FLOAT, i, (float) Math.tanh(x.getAtIndex(JAVA_FLOAT, i)));
        }
    }

    private static void sigmoidForward(MemorySegment x, MemorySegment y, long offset, long count) {
        long i = offset;
        for (long bound = offset + F.loopBound(count); i < bound; i += LANES) {
            sigmoid(load(x, i)).intoMemorySegment(y, i * FLOAT_BYTES, ORDER);
        }
        for (long end = offset + count; i < end; i++) {
            y.setAtIndex(JAVA_FLOAT, i, sigmoid(x.getAtIndex(JAVA_FLOAT, i)));
        }
    }

    private static void siluForward(MemorySegment x, MemorySegment y, long offset, long count) {
        long i = offset;
        for (long bound = offset + F.loopBound(count); i < bound; i += LANES) {
            silu(load(x, i)).intoMemorySegment(y, i * FLOAT_BYTES, ORDER);
        }
        for (long end = offset + count; i < end; i++) {
            y.setAtIndex(JAVA_FLOAT, i, silu(x.getAtIndex(JAVA_FLOAT, i)));
        }
    }

    private static void hardswishForward(MemorySegment x, MemorySegment y, long offset, long count) {
        long i = offset;
        for (long bound = offset + F.loopBound(count); i < bound; i += LANES) {
            hardswish(load(x, i)).intoMemorySegment(y, i * FLOAT_BYTES, ORDER);
        }
        for (long end = offset + count; i < end; i++) {
            y.setAtIndex(JAVA_FLOAT, i, hardswish(x.getAtIndex(JAVA_FLOAT, i)));
        }
    }

    private static void hardsigmoidForward(MemorySegment x, MemorySegment y, long offset, long count) {
        long i = offset;
        for (long bound = offset + F.loopBound(count); i < bound; i += LANES) {
            hardsigmoid(load(x, i)).intoMemorySegment(y, i * FLOAT_BYTES, ORDER);
        }
        for (long end = offset + count; i < end; i++) {
            y.setAtIndex(JAVA_FLOAT, i, hardsigmoid(x.getAtIndex(JAVA_FLOAT, i)));
        }
    }

    // ---- backward -----------------------------------------------------------------------------------------------

    @Override
    public void backward(Activation f, MemorySegment x, MemorySegment y, MemorySegment dy, MemorySegment dx,
                         long offset, long count) {
        switch (f) {
            case RELU -> reluBackward(y, dy, dx, offset, count);
            case TANH -> tanhBackward(y, dy, dx, offset, count);
            case SIGMOID -> sigmoidBackward(y, dy, dx, offset, count);
            case SILU -> siluBackward(x, dy, dx, offset, count);
            case HARDSWISH -> hardswishBackward(x, dy, dx, offset, count);
            case HARDSIGMOID -> hardsigmoidBackward(x, dy, dx, offset, count);
        }
    }

    private static void reluBackward(MemorySegment y, MemorySegment dy, MemorySegment dx, long offset, long count) {
        long i = offset;
        for (long bound = offset + F.loopBound(count); i < bound; i += LANES) {
            reluGradient(load(y, i), load(dy, i)).intoMemorySegment(dx, i * FLOAT_BYTES, ORDER);
        }
        for (long end = offset + count; i < end; i++) {
            dx.setAtIndex(JAVA_FLOAT, i, reluGradient(y.getAtIndex(JAVA_FLOAT, i), dy.getAtIndex(JAVA_FLOAT, i)));
        }
    }

    private static void tanhBackward(MemorySegment y, MemorySegment dy, MemorySegment dx, long offset, long count) {
        long i = offset;
        for (long bound = offset + F.loopBound(count); i < bound; i += LANES) {
            tanhGradient(load(y, i), load(dy, i)).intoMemorySegment(dx, i * FLOAT_BYTES, ORDER);
        }
        for (long end = offset + count; i < end; i++) {
            dx.setAtIndex(JAVA_FLOAT, i, tanhGradient(y.getAtIndex(JAVA_FLOAT, i), dy.getAtIndex(JAVA_FLOAT, i)));
        }
    }

    private static void sigmoidBackward(MemorySegment y, MemorySegment dy, MemorySegment dx, long offset, long count) {
        long i = offset;
        for (long bound = offset + F.loopBound(count); i < bound; i += LANES) {
            sigmoidGradient(load(y, i), load(dy, i)).intoMemorySegment(dx, i * FLOAT_BYTES, ORDER);
        }
        for (long end = offset + count; i < end; i++) {
            dx.setAtIndex(JAVA_FLOAT, i, sigmoidGradient(y.getAtIndex(JAVA_FLOAT, i), dy.getAtIndex(JAVA_FLOAT, i)));
        }
    }

    private static void siluBackward(MemorySegment x, MemorySegment dy, MemorySegment dx, long offset, long count) {
        long i = offset;
        for (long bound = offset + F.loopBound(count); i < bound; i += LANES) {
            siluGradient(load(x, i), load(dy, i)).intoMemorySegment(dx, i * FLOAT_BYTES, ORDER);
        }
        for (long end = offset + count; i < end; i++) {
            dx.setAtIndex(JAVA_FLOAT, i, siluGradient(x.getAtIndex(JAVA_FLOAT, i), dy.getAtIndex(JAVA_FLOAT, i)));
        }
    }

    private static void hardswishBackward(MemorySegment x, MemorySegment dy, MemorySegment dx, long offset,
                                          long count) {
        long i = offset;
        for (long bound = offset + F.loopBound(count); i < bound; i += LANES) {
            hardswishGradient(load(x, i), load(dy, i)).intoMemorySegment(dx, i * FLOAT_BYTES, ORDER);
        }
        for (long end = offset + count; i < end; i++) {
            dx.setAtIndex(JAVA_FLOAT, i,
                    hardswishGradient(x.getAtIndex(JAVA_FLOAT, i), dy.getAtIndex(JAVA_FLOAT, i)));
        }
    }

    private static void hardsigmoidBackward(MemorySegment x, MemorySegment dy, MemorySegment dx, long offset,
                                            long count) {
        long i = offset;
        for (long bound = offset + F.loopBound(count); i < bound; i += LANES) {
            hardsigmoidGradient(load(x, i), load(dy, i)).intoMemorySegment(dx, i * FLOAT_BYTES, ORDER);
        }
        for (long end = offset + count; i < end; i++) {
            dx.setAtIndex(JAVA_FLOAT, i,
                    hardsigmoidGradient(x.getAtIndex(JAVA_FLOAT, i), dy.getAtIndex(JAVA_FLOAT, i)));
        }
    }

    // ---- sums and products --------------------------------------------------------------------------------------

    @Override
    public void add(MemorySegment a, MemorySegment b, MemorySegment out, long offset, long count) {
        long i = offset;
        for (long bound = offset + F.loopBound(count); i < bound; i += LANES) {
            load(a, i).add(load(b, i)).intoMemorySegment(out, i * FLOAT_BYTES, ORDER);
        }
        for (long end = offset + count; i < end; i++) {
            out.setAtIndex(JAVA_FLOAT, i, a.getAtIndex(JAVA_FLOAT, i) + b.getAtIndex(JAVA_FLOAT, i));
        }
    }

    @Override
    public void multiply(MemorySegment a, MemorySegment b, MemorySegment out, long offset, long count) {
        long i = offset;
        for (long bound = offset + F.loopBound(count); i < bound; i += LANES) {
            load(a, i).mul(load(b, i)).intoMemorySegment(out, i * FLOAT_BYTES, ORDER);
        }
        for (long end = offset + count; i < end; i++) {
            out.setAtIndex(JAVA_FLOAT, i, a.getAtIndex(JAVA_FLOAT, i) * b.getAtIndex(JAVA_FLOAT, i));
        }
    }

    @Override
    public void multiplyBackward(MemorySegment a, MemorySegment b, MemorySegment dy, MemorySegment da,
                                 MemorySegment db, long offset, long count) {
        if (da == null) {
            if (db != null) {
                multiply(dy, a, db, offset, count);
            }
            return;
        }
        if (db == null) {
            multiply(dy, b, da, offset, count);
            return;
        }
        multiplyBoth(a, b, dy, da, db, offset, count);
    }

    /** Both gradients in one pass, every input loaded before either store, so that da or db may be an input. */
    private static void multiplyBoth(MemorySegment a, MemorySegment b, MemorySegment dy, MemorySegment da,
                                     MemorySegment db, long offset, long count) {
        long i = offset;
        for (long bound = offset + F.loopBound(count); i < bound; i += LANES) {
            FloatVector av = load(a, i);
            FloatVector bv = load(b, i);
            FloatVector g = load(dy, i);
            g.mul(bv).intoMemorySegment(da, i * FLOAT_BYTES, ORDER);
            g.mul(av).intoMemorySegment(db, i * FLOAT_BYTES, ORDER);
        }
        for (long end = offset + count; i < end; i++) {
            float av = a.getAtIndex(JAVA_FLOAT, i);
            float bv = b.getAtIndex(JAVA_FLOAT, i);
            float g = dy.getAtIndex(JAVA_FLOAT, i);
            da.setAtIndex(JAVA_FLOAT, i, g * bv);
            db.setAtIndex(JAVA_FLOAT, i, g * av);
        }
    }

    // ---- per-channel scale and shift ----------------------------------------------------------------------------

    @Override
    public void scaleShift(MemorySegment x, MemorySegment scale, MemorySegment shift, MemorySegment y,
                           long firstPlane, long planeCount, int channels, long planeSize) {
        if (planeSize == 1) {
            scaleShiftRows(x, scale, shift, y, firstPlane, planeCount, channels);
            return;
        }
        for (long plane = firstPlane, endPlane = firstPlane + planeCount; plane < endPlane; plane++) {
            int channel = (int) (plane % channels);
            float s = scale.getAtIndex(JAVA_FLOAT, channel);
            float b = shift.getAtIndex(JAVA_FLOAT, channel);
            long start = plane * planeSize;
            long i = start;
            for (long bound = start + F.loopBound(planeSize); i < bound; i += LANES) {
                load(x, i).mul(s).add(b).intoMemorySegment(y, i * FLOAT_BYTES, ORDER);
            }
            for (long end = start + planeSize; i < end; i++) {
                y.setAtIndex(JAVA_FLOAT, i, x.getAtIndex(JAVA_FLOAT, i) * s + b);
            }
        }
    }

    /** The {@code (N, C)} case: vectors run along the channels of a row, with the matching lanes of scale and shift. */
    private static void scaleShiftRows(MemorySegment x, MemorySegment scale, MemorySegment shift, MemorySegment y,
                                       long firstElement, long elementCount, int channels) {
        long end = firstElement + elementCount;
        long element = firstElement;
        while (element < end) {
            int firstChannel = (int) (element % channels);
            int endChannel = (int) Math.min(channels, firstChannel + (end - element)); // row end or range end
            long rowOffset = element - firstChannel; // element index of channel 0 of this row
            int c = firstChannel;
            for (int bound = firstChannel + F.loopBound(endChannel - firstChannel); c < bound; c += LANES) {
                load(x, rowOffset + c).mul(load(scale, c)).add(load(shift, c))
                        .intoMemorySegment(y, (rowOffset + c) * FLOAT_BYTES, ORDER);
            }
            for (; c < endChannel; c++) {
                y.setAtIndex(JAVA_FLOAT, rowOffset + c, x.getAtIndex(JAVA_FLOAT, rowOffset + c)
                        * scale.getAtIndex(JAVA_FLOAT, c) + shift.getAtIndex(JAVA_FLOAT, c));
            }
            element = rowOffset + endChannel;
        }
    }

    @Override
    public void scaleShiftBackward(MemorySegment x, MemorySegment scale, MemorySegment dy, MemorySegment dx,
                                   MemorySegment dscale, MemorySegment dshift, int firstChannel, int channelCount,
                                   int batch, int channels, long planeSize) {
        if (planeSize == 1) {
            scaleShiftBackwardRows(x, scale, dy, dx, dscale, dshift, firstChannel, channelCount, batch, channels);
            return;
        }
        for (int channel = firstChannel; channel < firstChannel + channelCount; channel++) {
            float s = scale.getAtIndex(JAVA_FLOAT, channel);
            // f32 sums within a plane (two accumulators each), a double total across planes.
            double scaleGradient = 0;
            double shiftGradient = 0;
            for (int n = 0; n < batch; n++) {
                long start = ((long) n * channels + channel) * planeSize;
                FloatVector scaleSum0 = FloatVector.zero(F);
                FloatVector scaleSum1 = FloatVector.zero(F);
                FloatVector shiftSum0 = FloatVector.zero(F);
                FloatVector shiftSum1 = FloatVector.zero(F);
                long i = start;
                for (long bound = start + 2 * LANES * (planeSize / (2 * LANES)); i < bound; i += 2 * LANES) {
                    FloatVector g0 = load(dy, i);
                    FloatVector g1 = load(dy, i + LANES);
                    FloatVector v0 = load(x, i);
                    FloatVector v1 = load(x, i + LANES);
                    g0.mul(s).intoMemorySegment(dx, i * FLOAT_BYTES, ORDER);
                    g1.mul(s).intoMemorySegment(dx, (i + LANES) * FLOAT_BYTES, ORDER);
                    scaleSum0 = scaleSum0.add(g0.mul(v0));
                    scaleSum1 = scaleSum1.add(g1.mul(v1));
                    shiftSum0 = shiftSum0.add(g0);
                    shiftSum1 = shiftSum1.add(g1);
                }
                for (long bound = start + F.loopBound(planeSize); i < bound; i += LANES) {
                    FloatVector g = load(dy, i);
                    FloatVector v = load(x, i);
                    g.mul(s).intoMemorySegment(dx, i * FLOAT_BYTES, ORDER);
                    scaleSum0 = scaleSum0.add(g.mul(v));
                    shiftSum0 = shiftSum0.add(g);
                }
                float planeScaleGradient = Lanes.sum(scaleSum0.add(scaleSum1));
                float planeShiftGradient = Lanes.sum(shiftSum0.add(shiftSum1));
                for (long end = start + planeSize; i < end; i++) {
                    float g = dy.getAtIndex(JAVA_FLOAT, i);
                    float v = x.getAtIndex(JAVA_FLOAT, i);
                    dx.setAtIndex(JAVA_FLOAT, i, g * s);
                    planeScaleGradient += g * v;
                    planeShiftGradient += g;
                }
                scaleGradient += planeScaleGradient;
                shiftGradient += planeShiftGradient;
            }
            dscale.setAtIndex(JAVA_FLOAT, channel, (float) scaleGradient);
            dshift.setAtIndex(JAVA_FLOAT, channel, (float) shiftGradient);
        }
    }

    /**
     * The {@code (N, C)} case: vectors run along channels and each lane sums its channel down the batch. Every step
     * is masked (the last block of channels is partial), so there is no separate, rarely run tail.
     */
    private static void scaleShiftBackwardRows(MemorySegment x, MemorySegment scale, MemorySegment dy,
                                               MemorySegment dx, MemorySegment dscale, MemorySegment dshift,
                                               int firstChannel, int channelCount, int batch, int channels) {
        int endChannel = firstChannel + channelCount;
        for (int c = firstChannel; c < endChannel; c += LANES) {
            VectorMask<Float> mask = F.indexInRange(c, endChannel);
            FloatVector s = FloatVector.fromMemorySegment(F, scale, c * FLOAT_BYTES, ORDER, mask);
            FloatVector scaleSum = FloatVector.zero(F);
            FloatVector shiftSum = FloatVector.zero(F);
            for (int n = 0; n < batch; n++) {
                long byteOffset = ((long) n * channels + c) * FLOAT_BYTES;
                FloatVector g = FloatVector.fromMemorySegment(F, dy, byteOffset, ORDER, mask);
                FloatVector v = FloatVector.fromMemorySegment(F, x, byteOffset, ORDER, mask);
                g.mul(s).intoMemorySegment(dx, byteOffset, ORDER, mask);
                scaleSum = scaleSum.add(g.mul(v));
                shiftSum = shiftSum.add(g);
            }
            scaleSum.intoMemorySegment(dscale, c * FLOAT_BYTES, ORDER, mask);
            shiftSum.intoMemorySegment(dshift, c * FLOAT_BYTES, ORDER, mask);
        }
    }

    // ---- the functions, as vectors and as floats (the same operations in the same order) -----------------------

    private static FloatVector load(MemorySegment segment, long index) {
        return FloatVector.fromMemorySegment(F, segment, index * FLOAT_BYTES, ORDER);
    }

    /** {@code x <= 0 ? 0 : x}: NaN fails the test and stays NaN, as {@code torch.relu} keeps it. */
    private static FloatVector relu(FloatVector v) {
        return v.blend(0f, v.compare(VectorOperators.LE, 0f));
    }

    private static float relu(float v) {
        return v <= 0f ? 0f : v;
    }

    /** {@code min(max(v, 0), 6)}; the Vector API's MIN and MAX propagate NaN, as {@link Math#min} does. */
    private static FloatVector relu6(FloatVector v) {
        return v.max(0f).min(6f);
    }

    private static float relu6(float v) {
        return Math.min(Math.max(v, 0f), 6f);
    }

    private static FloatVector sigmoid(FloatVector v) {
        return FloatVector.broadcast(F, 1f).div(v.neg().lanewise(VectorOperators.EXP).add(1f));
    }

    private static float sigmoid(float v) {
        return 1f / (1f + (float) Math.exp(-v));
    }

    private static FloatVector silu(FloatVector v) {
        return v.div(v.neg().lanewise(VectorOperators.EXP).add(1f));
    }

    private static float silu(float v) {
        return v / (1f + (float) Math.exp(-v));
    }

    private static FloatVector hardswish(FloatVector v) {
        return v.mul(relu6(v.add(3f))).div(6f);
    }

    private static float hardswish(float v) {
        return v * relu6(v + 3f) / 6f;
    }

    private static FloatVector hardsigmoid(FloatVector v) {
        return relu6(v.add(3f)).div(6f);
    }

    private static float hardsigmoid(float v) {
        return relu6(v + 3f) / 6f;
    }

    /** PyTorch's threshold_backward on the output: 0 where {@code y <= 0}, else {@code g} (NaN included). */
    private static FloatVector reluGradient(FloatVector y, FloatVector g) {
        return g.blend(0f, y.compare(VectorOperators.LE, 0f));
    }

    private static float reluGradient(float y, float g) {
        return y <= 0f ? 0f : g;
    }

    /** {@code g * ((1 - t) * (1 + t))}: no cancellation as |t| nears 1, unlike {@code 1 - t * t}. */
    private static FloatVector tanhGradient(FloatVector t, FloatVector g) {
        return g.mul(t.neg().add(1f).mul(t.add(1f)));
    }

    private static float tanhGradient(float t, float g) {
        return g * ((1f - t) * (1f + t));
    }

    private static FloatVector sigmoidGradient(FloatVector s, FloatVector g) {
        return g.mul(s.mul(s.neg().add(1f)));
    }

    private static float sigmoidGradient(float s, float g) {
        return g * (s * (1f - s));
    }

    /**
     * {@code g * s * (1 + v * (1 - s))} with {@code 1 - s} as {@code e * s} ({@code e = exp(-v)}), accurate where
     * {@code s} rounds to 1; where {@code e} overflows, {@code s} is 0 and {@code 1 - s} is 1.
     */
    private static FloatVector siluGradient(FloatVector v, FloatVector g) {
        FloatVector e = v.neg().lanewise(VectorOperators.EXP);
        FloatVector s = FloatVector.broadcast(F, 1f).div(e.add(1f));
        FloatVector oneMinusS = e.mul(s).blend(1f, e.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
        return g.mul(s).mul(v.mul(oneMinusS).add(1f));
    }

    private static float siluGradient(float v, float g) {
        float e = (float) Math.exp(-v);
        float s = 1f / (1f + e);
        float oneMinusS = e == Float.POSITIVE_INFINITY ? 1f : e * s;
        return g * s * (1f + v * oneMinusS);
    }

    /** PyTorch's hardswish_backward: 0 below -3, {@code g * (v / 3 + 0.5)} up to 3, {@code g} above (and for NaN). */
    private static FloatVector hardswishGradient(FloatVector v, FloatVector g) {
        FloatVector middle = g.mul(v.div(3f).add(0.5f));
        return g.blend(middle, v.compare(VectorOperators.LE, 3f)).blend(0f, v.compare(VectorOperators.LT, -3f));
    }

    private static float hardswishGradient(float v, float g) {
        return v < -3f ? 0f : v <= 3f ? g * (v / 3f + 0.5f) : g;
    }

    /** PyTorch's hardsigmoid_backward: {@code g / 6} strictly inside (-3, 3), else 0 (NaN included). */
    private static FloatVector hardsigmoidGradient(FloatVector v, FloatVector g) {
        VectorMask<Float> inside = v.compare(VectorOperators.GT, -3f).and(v.compare(VectorOperators.LT, 3f));
        return FloatVector.zero(F).blend(g.mul(ONE_SIXTH), inside);
    }

    private static float hardsigmoidGradient(float v, float g) {
        return v > -3f && v < 3f ? g * ONE_SIXTH : 0f;
    }
}
