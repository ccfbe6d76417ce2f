package dev.jdnn.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.Tolerance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Adaptive average pooling against a double reference written from PyTorch's window formula, for every
 * implementation, over awkward plane sizes and output sizes that divide, do not divide (overlapping windows) and exceed
 * the input.
 *
 * <p>Tolerances, in the form of {@link Tolerance#reductionBound}: an output is an f32 sum of at most {@code K} terms
 * (K the largest window) and one division, within γ(K + 2)·Σ|x|/count; an input gradient is a sum of at most {@code M}
 * shares {@code dy/count}, each rounded once, within γ(M + 2)·Σ|dy|/count (M the most windows holding one element).
 */
class AdaptiveAvgPool2dTest {

    static AdaptiveAvgPoolKernels kernels(String implementation) {
        if (implementation.equals("scalar")) {
            return AdaptiveAvgPoolKernels.scalar();
        }
        AdaptiveAvgPoolKernels simd = Vectorization.loadSimd(AdaptiveAvgPoolKernels.class,
                "SimdAdaptiveAvgPoolKernels");
        Assumptions.assumeTrue(simd != null, "Vector API unavailable");
        return simd;
    }

    /** (H, W, OH, OW). */
    static Stream<Arguments> cases() {
        int[] sizes = {1, 2, 3, 7, 15, 16, 17, 31, 33, 127, 257};
        List<int[]> shapes = new ArrayList<>();
        int index = 0;
        for (int size : sizes) {
            int other = new int[] {1, 3, 7, 16, 17}[index++ % 5];
            shapes.add(new int[] {size, other, 1, 1}); // global
            shapes.add(new int[] {other, size, 1, 1});
            shapes.add(new int[] {size, other, 2, 3});
            shapes.add(new int[] {size, size, 7, 7});
            shapes.add(new int[] {size, other, size + 2, 1}); // more outputs than inputs
        }
        shapes.add(new int[] {13, 13, 6, 6}); // AlexNet
        shapes.add(new int[] {14, 14, 7, 7}); // VGG at 448
        shapes.add(new int[] {7, 7, 7, 7});   // identity
        List<Arguments> cases = new ArrayList<>();
        for (String implementation : List.of("scalar", "simd")) {
            for (int[] shape : shapes) {
                cases.add(Arguments.of(implementation, shape[0], shape[1], shape[2], shape[3]));
            }
        }
        return cases.stream();
    }

    static int start(int index, int size, int outputSize) {
        return Math.floorDiv(index * size, outputSize);
    }

    static int end(int index, int size, int outputSize) {
        return -Math.floorDiv(-(index + 1) * size, outputSize); // ceil
    }

    /** Exact means, their magnitudes Σ|x|/count, and the largest window, per plane of {@code (planes, H, W)}. */
    record Pooled(double[] values, double[] magnitudes, int longestWindow) {
    }

    static Pooled reference(float[] x, int planes, int height, int width, int outputHeight, int outputWidth) {
        double[] values = new double[planes * outputHeight * outputWidth];
        double[] magnitudes = new double[values.length];
        int longest = 0;
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < outputHeight; i++) {
                for (int j = 0; j < outputWidth; j++) {
                    double sum = 0;
                    double magnitude = 0;
                    int count = 0;
                    for (int h = start(i, height, outputHeight); h < end(i, height, outputHeight); h++) {
                        for (int w = start(j, width, outputWidth); w < end(j, width, outputWidth); w++) {
                            float value = x[(p * height + h) * width + w];
                            sum += value;
                            magnitude += Math.abs(value);
                            count++;
                        }
                    }
                    int o = (p * outputHeight + i) * outputWidth + j;
                    values[o] = sum / count;
                    magnitudes[o] = magnitude / count;
                    longest = Math.max(longest, count);
                }
            }
        }
        return new Pooled(values, magnitudes, longest);
    }

    /** The exact gradient, its magnitudes, and the most windows that hold one element. */
    static Pooled referenceBackward(float[] dy, int planes, int height, int width, int outputHeight,
                                    int outputWidth) {
        double[] values = new double[planes * height * width];
        double[] magnitudes = new double[values.length];
        int[] windows = new int[values.length];
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < outputHeight; i++) {
                for (int j = 0; j < outputWidth; j++) {
                    int h0 = start(i, height, outputHeight);
                    int h1 = end(i, height, outputHeight);
                    int w0 = start(j, width, outputWidth);
                    int w1 = end(j, width, outputWidth);
                    double share = dy[(p * outputHeight + i) * outputWidth + j] / (double) ((h1 - h0) * (w1 - w0));
                    for (int h = h0; h < h1; h++) {
                        for (int w = w0; w < w1; w++) {
                            int e = (p * height + h) * width + w;
                            values[e] += share;
                            magnitudes[e] += Math.abs(share);
                            windows[e]++;
                        }
                    }
                }
            }
        }
        int most = 0;
        for (int count : windows) {
            most = Math.max(most, count);
        }
        return new Pooled(values, magnitudes, most);
    }

    @ParameterizedTest(name = "{0} {1}x{2} -> {3}x{4}")
    @MethodSource("cases")
    void kernelsMatchTheReference(String implementation, int height, int width, int outputHeight, int outputWidth) {
        AdaptiveAvgPoolKernels kernels = kernels(implementation);
        int planes = 3;
        int inputPlane = height * width;
        int outputPlane = outputHeight * outputWidth;
        long seed = 97L * inputPlane + outputPlane;
        float[] x = RandomData.uniform(seed, planes * inputPlane);
        float[] dy = RandomData.uniform(seed + 1, planes * outputPlane);
        Pooled expected = reference(x, planes, height, width, outputHeight, outputWidth);
        Pooled expectedDx = referenceBackward(dy, planes, height, width, outputHeight, outputWidth);
        String what = implementation + " " + height + "x" + width + " -> " + outputHeight + "x" + outputWidth;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, x);
            MemorySegment dys = arena.allocateFrom(ValueLayout.JAVA_FLOAT, dy);
            MemorySegment ys = arena.allocate(ValueLayout.JAVA_FLOAT, (long) planes * outputPlane);
            MemorySegment dxs = arena.allocate(ValueLayout.JAVA_FLOAT, (long) planes * inputPlane);
            ys.fill((byte) -1);
            dxs.fill((byte) -1); // NaN: the backward pass must overwrite every element
            // One plane, then the other two, so that offsets are exercised.
            kernels.forward(xs, 0, 1, height, width, ys, 0, outputHeight, outputWidth);
            kernels.forward(xs, inputPlane, 2, height, width, ys, outputPlane, outputHeight, outputWidth);
            Tolerance.assertWithinReductionBound(expected.values(), expected.magnitudes(),
                    ys.toArray(ValueLayout.JAVA_FLOAT), expected.longestWindow(), what + " forward");
            kernels.backward(dys, 0, 1, outputHeight, outputWidth, dxs, 0, height, width);
            kernels.backward(dys, outputPlane, 2, outputHeight, outputWidth, dxs, inputPlane, height, width);
            Tolerance.assertWithinReductionBound(expectedDx.values(), expectedDx.magnitudes(),
                    dxs.toArray(ValueLayout.JAVA_FLOAT), expectedDx.longestWindow(), what + " backward");
        }
    }

    @Test
    void tensorEntriesMatchTheReference() {
        Shape input = Shape.of(2, 17, 9, 11);
        Shape output = AdaptiveAvgPool2d.outputShape(input, 4, 3);
        assertEquals(Shape.of(2, 17, 4, 3), output);
        float[] x = RandomData.uniform(3, (int) input.elementCount());
        float[] dy = RandomData.uniform(4, (int) output.elementCount());
        Pooled expected = reference(x, 34, 9, 11, 4, 3);
        Pooled expectedDx = referenceBackward(dy, 34, 9, 11, 4, 3);
        try (Tensor xt = Tensor.of(x, input.dims()); Tensor y = Tensor.allocate(output.dims());
             Tensor dyt = Tensor.of(dy, output.dims()); Tensor dx = Tensor.allocate(input.dims())) {
            AdaptiveAvgPool2d.forward(xt, y);
            Tolerance.assertWithinReductionBound(expected.values(), expected.magnitudes(), y.toFloatArray(),
                    expected.longestWindow(), "adaptiveAvgPool2d " + input + " -> " + output);
            dx.fill(Float.NaN);
            AdaptiveAvgPool2d.backward(dyt, dx);
            Tolerance.assertWithinReductionBound(expectedDx.values(), expectedDx.magnitudes(), dx.toFloatArray(),
                    expectedDx.longestWindow(), "adaptiveAvgPool2d backward " + input + " -> " + output);
        }
    }

    @Test
    void backwardAgreesWithCentralDifferences() {
        int planes = 2;
        int height = 5;
        int width = 7;
        int outputHeight = 3;
        int outputWidth = 4; // overlapping windows on both axes
        float[] x = RandomData.uniform(31, planes * height * width);
        double[] w = FiniteDifferences.weights(32, planes * outputHeight * outputWidth);
        float[] gradient;
        try (Tensor dy = Tensor.of(FiniteDifferences.asFloats(w), 1, planes, outputHeight, outputWidth);
             Tensor dx = Tensor.allocate(1, planes, height, width)) {
            AdaptiveAvgPool2d.backward(dy, dx);
            gradient = dx.toFloatArray();
        }
        Pooled exactGradient = referenceBackward(FiniteDifferences.asFloats(w), planes, height, width, outputHeight,
                outputWidth);
        double[] gradientBound = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            gradientBound[i] = Tolerance.reductionBound(exactGradient.longestWindow(), exactGradient.magnitudes()[i]);
        }
        FiniteDifferences.check(x, input -> {
            try (Tensor xt = Tensor.of(input, 1, planes, height, width);
                 Tensor y = Tensor.allocate(1, planes, outputHeight, outputWidth)) {
                AdaptiveAvgPool2d.forward(xt, y);
                return y.toFloatArray();
            }
        }, input -> {
            Pooled pooled = reference(input, planes, height, width, outputHeight, outputWidth);
            double[] bound = new double[pooled.values().length];
            for (int k = 0; k < bound.length; k++) {
                bound[k] = Tolerance.reductionBound(pooled.longestWindow(), pooled.magnitudes()[k]);
            }
            return bound;
        }, w, gradient, gradientBound, "adaptiveAvgPool2d 5x7 -> 3x4");
    }

    @Test
    void rejectsBadArguments() {
        try (Tensor x = Tensor.allocate(2, 3, 8, 8); Tensor y = Tensor.allocate(2, 4, 2, 2);
             Tensor flat = Tensor.allocate(2, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AdaptiveAvgPool2d.forward(x, y));
            assertEquals("adaptiveAvgPool2d: y must have the (N, C) = (2, 3) of (2, 3, 8, 8), got (2, 4, 2, 2)",
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> AdaptiveAvgPool2d.forward(x, flat));
            assertEquals("adaptiveAvgPool2d: y must be (N, C, OH, OW), got (2, 3)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> AdaptiveAvgPool2d.forward(x, x));
            assertEquals("adaptiveAvgPool2d: y must not share memory with x", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> AdaptiveAvgPool2d.backward(null, x));
            assertEquals("adaptiveAvgPool2d backward: dy is null", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> AdaptiveAvgPool2d.outputShape(x.shape(), 0, 1));
            assertEquals("adaptiveAvgPool2d: output size must be positive, got (0, 1)", e.getMessage());
        }
    }
}
