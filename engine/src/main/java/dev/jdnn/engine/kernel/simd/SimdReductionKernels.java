package dev.jdnn.engine.kernel.simd;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.jdnn.engine.kernel.ReductionKernels;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The reductions on {@link FloatVector}: four independent accumulators over full vectors, a scalar tail (see
 * {@link SimdActivationKernels} for why scalar tails), f32 within a plane and double across planes.
 */
public final class SimdReductionKernels implements ReductionKernels {

    private static final VectorSpecies<Float> F = VectorShapes.FLOAT;
    private static final int LANES = VectorShapes.FLOAT_LANES;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long FLOAT_BYTES = Float.BYTES;

    public SimdReductionKernels() {
    }

    @Override
    public void channelSum(MemorySegment x, MemorySegment sums, int firstChannel, int channelCount, int batch,
                           int channels, long planeSize) {
        for (int channel = firstChannel; channel < firstChannel + channelCount; channel++) {
            double total = 0;
            for (int n = 0; n < batch; n++) {
                long start = ((long) n * channels + channel) * planeSize;
                FloatVector sum0 = FloatVector.zero(F);
                FloatVector sum1 = FloatVector.zero(F);
                FloatVector sum2 = FloatVector.zero(F);
                FloatVector sum3 = FloatVector.zero(F);
                long i = start;
                for (long bound = start + 4L * LANES * (planeSize / (4L * LANES)); i < bound; i += 4L * LANES) {
                    sum0 = sum0.add(load(x, i));
                    sum1 = sum1.add(load(x, i + LANES));
                    sum2 = sum2.add(load(x, i + 2L * LANES));
                    sum3 = sum3.add(load(x, i + 3L * LANES));
                }
                for (long bound = start + F.loopBound(planeSize); i < bound; i += LANES) {
                    sum0 = sum0.add(load(x, i));
                }
                float planeSum = Lanes.sum(sum0.add(sum1).add(sum2.add(sum3)));
                for (long end = start + planeSize; i < end; i++) {
                    planeSum += x.getAtIndex(JAVA_FLOAT, i);
                }
                total += planeSum;
            }
            sums.setAtIndex(JAVA_FLOAT, channel, (float) total);
        }
    }

    private static FloatVector load(MemorySegment segment, long index) {
        return FloatVector.fromMemorySegment(F, segment, index * FLOAT_BYTES, ORDER);
    }
}
