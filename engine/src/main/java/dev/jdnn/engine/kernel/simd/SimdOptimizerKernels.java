package dev.jdnn.engine.kernel.simd;

import dev.jdnn.engine.kernel.AdamCoefficients;
import dev.jdnn.engine.kernel.OptimizerKernels;
import dev.jdnn.engine.kernel.SgdCoefficients;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The optimizer updates on {@link FloatVector}: the formulas of {@link OptimizerKernels}, lane by lane, with
 * {@code fma} exactly where the scalar twin has {@code Math.fma} and one correctly rounded operation everywhere else,
 * so the two agree bit for bit. The tail runs masked.
 */
public final class SimdOptimizerKernels implements OptimizerKernels {

    private static final VectorSpecies<Float> F = VectorShapes.FLOAT;
    private static final int LANES = VectorShapes.FLOAT_LANES;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long FLOAT_BYTES = Float.BYTES;

    public SimdOptimizerKernels() {
    }

    @Override
    public void sgd(MemorySegment param, MemorySegment grad, MemorySegment momentumBuffer, SgdCoefficients c,
                    long offset, long count) {
        boolean decay = c.weightDecay() != 0f;
        boolean momentum = momentumBuffer != null;
        FloatVector weightDecay = FloatVector.broadcast(F, c.weightDecay());
        FloatVector momentumFactor = FloatVector.broadcast(F, c.momentum());
        FloatVector gradScale = FloatVector.broadcast(F, c.gradScale());
        FloatVector negativeLr = FloatVector.broadcast(F, c.negativeLr());
        long end = offset + count;
        for (long i = offset; i < end; i += LANES) {
            VectorMask<Float> mask = i + LANES <= end ? null : F.indexInRange(i, end);
            long byteOffset = i * FLOAT_BYTES;
            FloatVector p = load(param, byteOffset, mask);
            FloatVector g = load(grad, byteOffset, mask);
            if (decay) {
                g = p.fma(weightDecay, g);
            }
            if (momentum) {
                FloatVector buf = c.firstStep()
                        ? g
                        : g.fma(gradScale, load(momentumBuffer, byteOffset, mask).mul(momentumFactor));
                store(buf, momentumBuffer, byteOffset, mask);
                g = c.nesterov() ? buf.fma(momentumFactor, g) : buf;
            }
            store(g.fma(negativeLr, p), param, byteOffset, mask);
        }
    }

    @Override
    public void adam(MemorySegment param, MemorySegment grad, MemorySegment expAvg, MemorySegment expAvgSq,
                     AdamCoefficients c, long offset, long count) {
        float w = c.lerpWeight();
        boolean smallWeight = Math.abs(w) < 0.5f;
        boolean decoupled = c.decoupled();
        boolean decay = !decoupled && c.weightDecay() != 0f;
        FloatVector lerpCoefficient = FloatVector.broadcast(F, smallWeight ? w : w - 1f);
        FloatVector decayFactor = FloatVector.broadcast(F, c.decayFactor());
        FloatVector weightDecay = FloatVector.broadcast(F, c.weightDecay());
        FloatVector beta2 = FloatVector.broadcast(F, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(F, c.oneMinusBeta2());
        FloatVector biasCorrection2Sqrt = FloatVector.broadcast(F, c.biasCorrection2Sqrt());
        FloatVector eps = FloatVector.broadcast(F, c.eps());
        FloatVector negativeStepSize = FloatVector.broadcast(F, c.negativeStepSize());
        long end = offset + count;
        for (long i = offset; i < end; i += LANES) {
            VectorMask<Float> mask = i + LANES <= end ? null : F.indexInRange(i, end);
            long byteOffset = i * FLOAT_BYTES;
            FloatVector p = load(param, byteOffset, mask);
            FloatVector g = load(grad, byteOffset, mask);
            if (decoupled) {
                p = p.mul(decayFactor);
            } else if (decay) {
                g = p.fma(weightDecay, g);
            }
            FloatVector m = load(expAvg, byteOffset, mask);
            m = lerpCoefficient.fma(g.sub(m), smallWeight ? m : g);
            FloatVector v = load(expAvgSq, byteOffset, mask).mul(beta2).add(oneMinusBeta2.mul(g).mul(g));
            FloatVector denom = v.lanewise(VectorOperators.SQRT).div(biasCorrection2Sqrt).add(eps);
            store(m, expAvg, byteOffset, mask);
            store(v, expAvgSq, byteOffset, mask);
            store(p.add(negativeStepSize.mul(m).div(denom)), param, byteOffset, mask);
        }
    }

    /** A full vector when {@code mask} is null, else the masked partial one (other lanes zero). */
    private static FloatVector load(MemorySegment segment, long byteOffset, VectorMask<Float> mask) {
        return mask == null
                ? FloatVector.fromMemorySegment(F, segment, byteOffset, ORDER)
                : FloatVector.fromMemorySegment(F, segment, byteOffset, ORDER, mask);
    }

    private static void store(FloatVector values, MemorySegment segment, long byteOffset, VectorMask<Float> mask) {
        if (mask == null) {
            values.intoMemorySegment(segment, byteOffset, ORDER);
        } else {
            values.intoMemorySegment(segment, byteOffset, ORDER, mask);
        }
    }
}
