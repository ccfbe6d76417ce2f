package dev.jdnn.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The NaN scan, the reference and the bitwise kernel in use against the definition (the first index whose value is not equal to itself), with NaNs
 * of every kind (quiet, signalling, negative, other payloads) at every position of vector bodies and tails, and the
 * values that are not NaN but look special (infinities, -0, subnormals, the largest float).
 */
class NanScanTest {

    private static final float[] NANS = {Float.NaN, Float.intBitsToFloat(0x7f800001), Float.intBitsToFloat(0xffc00000),
        Float.intBitsToFloat(0x7fbfffff)};

    private static List<NanScanKernels> kernels() {
        return List.of(NanScan.scalarKernels(), NanScan.preferredKernels());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 15, 16, 17, 31, 33, 64, 100})
    void findsTheFirstNanWherever(int count) {
        float[] values = RandomData.uniform(count, count + 2, -3f, 3f);
        values[0] = Float.NaN; // before the scanned range: must not be found
        values[1] = Float.POSITIVE_INFINITY;
        if (count > 2) {
            values[2] = -0f;
            values[3] = Float.MIN_VALUE;
            values[count] = Float.NEGATIVE_INFINITY;
            values[count - 1] = Float.MAX_VALUE;
        }
        values[count + 1] = Float.NaN; // after it
        for (NanScanKernels kernels : kernels()) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment clean = arena.allocateFrom(ValueLayout.JAVA_FLOAT, values);
                assertEquals(-1, kernels.firstNaN(clean, 1, count), kernels + ": no NaN among " + count);
                for (int position = 1; position <= count; position++) {
                    float[] withNan = values.clone();
                    withNan[position] = NANS[position % NANS.length];
                    if (position + 3 <= count) {
                        withNan[position + 3] = Float.NaN; // a later one must not win
                    }
                    MemorySegment memory = arena.allocateFrom(ValueLayout.JAVA_FLOAT, withNan);
                    assertEquals(position, kernels.firstNaN(memory, 1, count),
                            kernels + ": NaN at " + position + " of " + count);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 4_095, 4_096, 70_001, 150_527})
    void scansAWholeTensor(int nanAt) {
        try (Tensor image = Tensor.of(RandomData.uniform(7, 150_528), 1, 3, 224, 224)) {
            if (nanAt >= 0) {
                image.set(Float.NaN, 0, nanAt / (224 * 224), (nanAt / 224) % 224, nanAt % 224);
            }
            assertEquals(nanAt, NanScan.firstNaN(image));
        }
    }
}
