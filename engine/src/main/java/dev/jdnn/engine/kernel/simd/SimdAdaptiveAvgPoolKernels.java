package dev.jdnn.engine.kernel.simd;

import dev.jdnn.engine.kernel.AdaptiveAvgPoolKernels;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * Adaptive average pooling on {@link FloatVector} where it pays: the global case ({@code OH = OW = 1}, the head of
 * every ResNet, DenseNet, MobileNet and EfficientNet, and each squeeze of squeeze-and-excitation) is global average
 * pooling, the vectorized plane sum and broadcast fill of {@link SimdPoolingKernels}. Smaller windows (a few elements
 * wide) run the scalar twin.
 */
public final class SimdAdaptiveAvgPoolKernels implements AdaptiveAvgPoolKernels {

    private final AdaptiveAvgPoolKernels scalar = AdaptiveAvgPoolKernels.scalar();
    private final SimdPoolingKernels pooling = new SimdPoolingKernels();

    public SimdAdaptiveAvgPoolKernels() {
    }

    @Override
    public void forward(MemorySegment x, long xOffset, int planes, int height, int width,
                        MemorySegment y, long yOffset, int outputHeight, int outputWidth) {
        if (outputHeight != 1 || outputWidth != 1) {
            scalar.forward(x, xOffset, planes, height, width, y, yOffset, outputHeight, outputWidth);
            return;
        }
        pooling.globalAvgPool2dForward(x, xOffset, planes, height * width, y, yOffset);
    }

    @Override
    public void backward(MemorySegment dy, long dyOffset, int planes, int outputHeight, int outputWidth,
                         MemorySegment dx, long dxOffset, int height, int width) {
        if (outputHeight != 1 || outputWidth != 1) {
            scalar.backward(dy, dyOffset, planes, outputHeight, outputWidth, dx, dxOffset, height, width);
            return;
        }
        pooling.globalAvgPool2dBackward(dy, dyOffset, planes, height * width, dx, dxOffset);
    }
}
