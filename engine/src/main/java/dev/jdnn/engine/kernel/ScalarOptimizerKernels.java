package dev.jdnn.engine.kernel;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;

/** The scalar twin of the optimizer updates: the formulas of {@link OptimizerKernels}, one element at a time. */
final class ScalarOptimizerKernels implements OptimizerKernels {

    @Override
    public void sgd(MemorySegment param, MemorySegment grad, MemorySegment momentumBuffer, SgdCoefficients c,
                    long offset, long count) {
        for (long i = offset, end = offset + count; i < end; i++) {
            float p = param.getAtIndex(JAVA_FLOAT, i);
            float g = grad.getAtIndex(JAVA_FLOAT, i);
            if (c.weightDecay() != 0f) {
                g = Math.fma(p, c.weightDecay(), g);
            }
            if (momentumBuffer != null) {
                float buf = c.firstStep()
                        ? g
                        : Math.fma(g, c.gradScale(), momentumBuffer.getAtIndex(JAVA_FLOAT, i) * c.momentum());
                momentumBuffer.setAtIndex(JAVA_FLOAT, i, buf);
                g = c.nesterov() ? Math.fma(buf, c.momentum(), g) : buf;
            }
            param.setAtIndex(JAVA_FLOAT, i, Math.fma(g, c.negativeLr(), p));
        }
    }

    @Override
    public void adam(MemorySegment param, MemorySegment grad, MemorySegment expAvg, MemorySegment expAvgSq,
                     AdamCoefficients c, long offset, long count) {
        float w = c.lerpWeight();
        boolean smallWeight = Math.abs(w) < 0.5f;
        float lerpCoefficient = smallWeight ? w : w - 1f;
        for (long i = offset, end = offset + count; i < end; i++) {
            float p = param.getAtIndex(JAVA_FLOAT, i);
            float g = grad.getAtIndex(JAVA_FLOAT, i);
            if (c.decoupled()) {
                p = p * c.decayFactor();
            } else if (c.weightDecay() != 0f) {
                g = Math.fma(p, c.weightDecay(), g);
            }
            float m = expAvg.getAtIndex(JAVA_FLOAT, i);
            m = Math.fma(lerpCoefficient, g - m, smallWeight ? m : g);
            float v = expAvgSq.getAtIndex(JAVA_FLOAT, i) * c.beta2() + c.oneMinusBeta2() * g * g;
            float denom = (float) Math.sqrt(v) / c.biasCorrection2Sqrt() + c.eps();
            expAvg.setAtIndex(JAVA_FLOAT, i, m);
            expAvgSq.setAtIndex(JAVA_FLOAT, i, v);
            param.setAtIndex(JAVA_FLOAT, i, p + c.negativeStepSize() * m / denom);
        }
    }
}
