package dev.jdnn.engine.kernel;

import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.Tolerance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scaled-sum twins: the vector kernel reproduces the scalar one's order and roundings (first product, then one
 * fma per input), so they must agree bit for bit at every tail length; the backend tests check both against the
 * double reference.
 */
class WeightedSumTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 15, 16, 17, 31, 33, 127, 257, 4098})
    void vectorTwinMatchesTheScalarOneBitForBit(int length) {
        WeightedSumKernels simd = Vectorization.loadSimd(WeightedSumKernels.class, "SimdWeightedSumKernels");
        Assumptions.assumeTrue(simd != null, "Vector API unavailable");
        WeightedSumKernels scalar = new ScalarWeightedSumKernels();
        try (Arena arena = Arena.ofConfined()) {
            for (int n = 1; n <= 5; n++) {
                MemorySegment[] inputs = new MemorySegment[n];
                float[] scales = RandomData.uniform(n * 31L, n, -2f, 2f);
                for (int j = 0; j < n; j++) {
                    inputs[j] = arena.allocateFrom(ValueLayout.JAVA_FLOAT, RandomData.uniform(length * 7L + j, length));
                }
                MemorySegment expected = arena.allocate(ValueLayout.JAVA_FLOAT, length);
                MemorySegment actual = arena.allocate(ValueLayout.JAVA_FLOAT, length);
                scalar.sum(inputs, scales, expected, 0, length);
                simd.sum(inputs, scales, actual, 0, length);
                Tolerance.assertBitsEqual(expected.toArray(ValueLayout.JAVA_FLOAT), actual.toArray(ValueLayout.JAVA_FLOAT),
                        n + " inputs, length " + length);
            }
        }
    }
}
