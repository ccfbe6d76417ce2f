package dev.jdnn.engine.kernel.simd;

import jdk.incubator.vector.FloatVector;

/**
 * Horizontal sums in a fixed order. {@code reduceLanes(ADD)} leaves the order of a float sum to the implementation,
 * and the JIT-compiled intrinsic and the interpreted fallback do not agree to the last bit: a kernel using it gives a
 * different answer before and after its method is compiled, so two calls of a network on the same input could
 * differ. Summing lane by lane in index order is the same sum in both.
 */
final class Lanes {

    private Lanes() {
    }

    /** {@code v[0] + v[1] + ... + v[n-1]}, left to right. */
    static float sum(FloatVector v) {
        float sum = v.lane(0);
        for (int i = 1; i < v.length(); i++) {
            sum += v.lane(i);
        }
        return sum;
    }
}
