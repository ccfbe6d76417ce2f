package dev.jdnn.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.Tolerance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** hardtanh / ReLU6, both kernels against the formula: data movement and compares only, so bits are exact. */
class ClampTest {

    private static List<ClampKernels> kernels() {
        List<ClampKernels> all = new ArrayList<>(List.of(Clamp.scalarKernels()));
        ClampKernels simd = Vectorization.loadSimd(ClampKernels.class, "SimdClampKernels");
        if (simd != null) {
            all.add(simd);
        }
        return all;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 15, 16, 17, 31, 33, 127, 257})
    void forwardAndBackwardFollowTheFormula(int count) {
        float[] x = RandomData.uniform(count, count + 3, -9f, 9f);
        float[] dy = RandomData.uniform(count + 1L, count + 3);
        // The breakpoints themselves, a NaN and infinities.
        x[0] = 0f;
        if (count > 2) {
            x[1] = 6f;
            x[2] = Float.NaN;
        }
        if (count > 4) {
            x[3] = Float.POSITIVE_INFINITY;
            x[4] = Float.NEGATIVE_INFINITY;
        }
        float[] y = new float[x.length];
        float[] dx = new float[x.length];
        for (int i = 1; i <= count; i++) {
            float v = x[i];
            y[i] = v < 0f ? 0f : v > 6f ? 6f : v;
            dx[i] = v > 0f && v < 6f ? dy[i] : 0f;
        }
        for (ClampKernels kernels : kernels()) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment xs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, x);
                MemorySegment dys = arena.allocateFrom(ValueLayout.JAVA_FLOAT, dy);
                MemorySegment ys = arena.allocate(ValueLayout.JAVA_FLOAT, x.length);
                MemorySegment dxs = arena.allocate(ValueLayout.JAVA_FLOAT, x.length);
                kernels.forward(xs, ys, 0f, 6f, 1, count);
                kernels.backward(xs, dys, dxs, 0f, 6f, 1, count);
                float[] gotY = ys.toArray(ValueLayout.JAVA_FLOAT);
                float[] gotDx = dxs.toArray(ValueLayout.JAVA_FLOAT);
                y[0] = 0f;
                dx[0] = 0f;
                gotY[0] = 0f;
                gotDx[0] = 0f;
                y[count + 1] = 0f;
                y[count + 2] = 0f;
                Tolerance.assertBitsEqual(y, gotY, kernels.getClass().getSimpleName() + " forward, " + count);
                Tolerance.assertBitsEqual(dx, gotDx, kernels.getClass().getSimpleName() + " backward, " + count);
            }
        }
    }

    @Test
    void tensorEntryChecksItsArguments() {
        try (Tensor x = Tensor.of(new float[] {-1f, 3f, 7f}, 3); Tensor y = Tensor.allocate(3);
             Tensor wrong = Tensor.allocate(4)) {
            Clamp.forward(x, 0f, 6f, y);
            Tolerance.assertBitsEqual(new float[] {0f, 3f, 6f}, y.toFloatArray(), "relu6");
            assertEquals("hardtanh: min (2.0) must not exceed max (1.0)",
                    assertThrows(IllegalArgumentException.class, () -> Clamp.forward(x, 2f, 1f, y)).getMessage());
            assertEquals("hardtanh: y must have shape (3), got (4)",
                    assertThrows(IllegalArgumentException.class, () -> Clamp.forward(x, 0f, 6f, wrong)).getMessage());
        }
    }
}
