package dev.jdnn.engine.kernel;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;

/**
 * The scalar element-wise kernels: what runs without the Vector API, and the twin the vector kernels are tested
 * beside. Arithmetic is f32 in the same order as the vector kernels (and as PyTorch's CPU kernels, except where noted),
 * with {@link Math#exp} / {@link Math#tanh} rounded to f32.
 *
 * <p>Two gradients are computed in a more accurate form than PyTorch's: Tanh's {@code 1 - y²} as
 * {@code (1 - y)(1 + y)}, and SiLU's {@code 1 - sigmoid(x)} as {@code exp(-x) * sigmoid(x)}; both avoid a
 * cancellation that costs PyTorch's formulas many ulp as {@code |x|} grows.
 */
final class ScalarActivationKernels implements ActivationKernels {

    private static final float ONE_SIXTH = 1f / 6f;

    @Override
    public void forward(Activation f, MemorySegment x, MemorySegment y, long offset, long count) {
        long end = offset + count;
        switch (f) {
            case RELU -> {
                for (long i = offset; i < end; i++) {
                    y.setAtIndex(JAVA_FLOAT, i, relu(x.getAtIndex(JAVA_FLOAT, i)));
                }
            }
            case TANH -> {
                for (long i = offset; i < end; i++) {
                    y.setAtIndex(JAVA_FLOAT, i, (float) Math.tanh(x.getAtIndex(JAVA_FLOAT, i)));
                }
            }
            case SIGMOID -> {
                for (long i = offset; i < end; i++) {
                    y.setAtIndex(JAVA_FLOAT, i, sigmoid(x.getAtIndex(JAVA_FLOAT, i)));
                }
            }
            case SILU -> {
                for (long i = offset; i < end; i++) {
                    float v = x.getAtIndex(JAVA_FLOAT, i);
                    y.setAtIndex(JAVA_FLOAT, i, v / (1f + (float) Math.exp(-v)));
                }
            }
            case HARDSWISH -> {
                for (long i = offset; i < end; i++) {
                    float v = x.getAtIndex(JAVA_FLOAT, i);
                    y.setAtIndex(JAVA_FLOAT, i, v * relu6(v + 3f) / 6f);
                }
            }
            case HARDSIGMOID -> {
                for (long i = offset; i < end; i++) {
                    y.setAtIndex(JAVA_FLOAT, i, relu6(x.getAtIndex(JAVA_FLOAT, i) + 3f) / 6f);
                }
            }
        }
    }

    @Override
    public void backward(Activation f, MemorySegment x, MemorySegment y, MemorySegment dy, MemorySegment dx,
                         long offset, long count) {
        long end = offset + count;
        switch (f) {
            case RELU -> {
                for (long i = offset; i < end; i++) {
                    float g = dy.getAtIndex(JAVA_FLOAT, i);
                    dx.setAtIndex(JAVA_FLOAT, i, y.getAtIndex(JAVA_FLOAT, i) <= 0f ? 0f : g);
                }
            }
            case TANH -> {
                for (long i = offset; i < end; i++) {
                    float t = y.getAtIndex(JAVA_FLOAT, i);
                    // (1 - t) * (1 + t) rather than 1 - t * t: no cancellation as |t| nears 1.
                    dx.setAtIndex(JAVA_FLOAT, i, dy.getAtIndex(JAVA_FLOAT, i) * ((1f - t) * (1f + t)));
                }
            }
            case SIGMOID -> {
                for (long i = offset; i < end; i++) {
                    float s = y.getAtIndex(JAVA_FLOAT, i);
                    dx.setAtIndex(JAVA_FLOAT, i, dy.getAtIndex(JAVA_FLOAT, i) * (s * (1f - s)));
                }
            }
            case SILU -> {
                for (long i = offset; i < end; i++) {
                    float v = x.getAtIndex(JAVA_FLOAT, i);
                    float e = (float) Math.exp(-v);
                    float s = 1f / (1f + e);
                    // 1 - s as e * s, accurate even where s rounds to 1 (PyTorch subtracts, losing the digits that x
                    // then multiplies); where e overflows, s is 0 and 1 - s is 1.
                    float oneMinusS = e == Float.POSITIVE_INFINITY ? 1f : e * s;
                    dx.setAtIndex(JAVA_FLOAT, i, dy.getAtIndex(JAVA_FLOAT, i) * s * (1f + v * oneMinusS));
                }
            }
            case HARDSWISH -> {
                for (long i = offset; i < end; i++) {
                    float v = x.getAtIndex(JAVA_FLOAT, i);
                    float g = dy.getAtIndex(JAVA_FLOAT, i);
                    // PyTorch's hardswish_backward: a NaN x fails both tests and passes g through.
                    dx.setAtIndex(JAVA_FLOAT, i, v < -3f ? 0f : v <= 3f ? g * (v / 3f + 0.5f) : g);
                }
            }
            case HARDSIGMOID -> {
                for (long i = offset; i < end; i++) {
                    float v = x.getAtIndex(JAVA_FLOAT, i);
                    float g = dy.getAtIndex(JAVA_FLOAT, i);
                    dx.setAtIndex(JAVA_FLOAT, i, v > -3f && v < 3f ? g * ONE_SIXTH : 0f);
                }
            }
        }
    }

    @Override
    public void add(MemorySegment a, MemorySegment b, MemorySegment out, long offset, long count) {
        for (long i = offset, end = offset + count; i < end; i++) {
            out.setAtIndex(JAVA_FLOAT, i, a.getAtIndex(JAVA_FLOAT, i) + b.getAtIndex(JAVA_FLOAT, i));
        }
    }

    @Override
    public void multiply(MemorySegment a, MemorySegment b, MemorySegment out, long offset, long count) {
        for (long i = offset, end = offset + count; i < end; i++) {
            out.setAtIndex(JAVA_FLOAT, i, a.getAtIndex(JAVA_FLOAT, i) * b.getAtIndex(JAVA_FLOAT, i));
        }
    }

    @Override
    public void multiplyBackward(MemorySegment a, MemorySegment b, MemorySegment dy, MemorySegment da,
                                 MemorySegment db, long offset, long count) {
        for (long i = offset, end = offset + count; i < end; i++) {
            float av = a.getAtIndex(JAVA_FLOAT, i);
            float bv = b.getAtIndex(JAVA_FLOAT, i);
            float g = dy.getAtIndex(JAVA_FLOAT, i);
            if (da != null) {
                da.setAtIndex(JAVA_FLOAT, i, g * bv);
            }
            if (db != null) {
                db.setAtIndex(JAVA_FLOAT, i, g * av);
            }
        }
    }

    @Override
    public void scaleShift(MemorySegment x, MemorySegment scale, MemorySegment shift, MemorySegment y,
                           long firstPlane, long planeCount, int channels, long planeSize) {
        for (long plane = firstPlane, end = firstPlane + planeCount; plane < end; plane++) {
            int channel = (int) (plane % channels);
            float s = scale.getAtIndex(JAVA_FLOAT, channel);
            float b = shift.getAtIndex(JAVA_FLOAT, channel);
            for (long i = plane * planeSize, planeEnd = i + planeSize; i < planeEnd; i++) {
                y.setAtIndex(JAVA_FLOAT, i, x.getAtIndex(JAVA_FLOAT, i) * s + b);
            }
        }
    }

    @Override
    public void scaleShiftBackward(MemorySegment x, MemorySegment scale, MemorySegment dy, MemorySegment dx,
                                   MemorySegment dscale, MemorySegment dshift, int firstChannel, int channelCount,
                                   int batch, int channels, long planeSize) {
        for (int channel = firstChannel; channel < firstChannel + channelCount; channel++) {
            float s = scale.getAtIndex(JAVA_FLOAT, channel);
            // f32 sums within a plane, a double total across planes.
            double scaleGradient = 0;
            double shiftGradient = 0;
            for (int n = 0; n < batch; n++) {
                long start = ((long) n * channels + channel) * planeSize;
                float planeScaleGradient = 0f;
                float planeShiftGradient = 0f;
                for (long i = start, end = start + planeSize; i < end; i++) {
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

    /** {@code x <= 0 ? 0 : x}: NaN fails the test and stays NaN, as {@code torch.relu} keeps it. */
    private static float relu(float x) {
        return x <= 0f ? 0f : x;
    }

    /** {@code min(max(x, 0), 6)} with NaN propagated ({@link Math#max} and {@link Math#min} do). */
    private static float relu6(float x) {
        return Math.min(Math.max(x, 0f), 6f);
    }

    private static float sigmoid(float x) {
        return 1f / (1f + (float) Math.exp(-x));
    }
}
