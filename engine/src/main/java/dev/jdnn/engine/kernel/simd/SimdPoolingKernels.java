package dev.jdnn.engine.kernel.simd;

import dev.jdnn.engine.kernel.PoolingKernels;
import dev.jdnn.engine.kernel.Window2d;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Pooling with the Vector API where it pays: global average pooling, a contiguous sum per plane (four independent
 * accumulators, masked tail) and a broadcast store for its backward pass.
 *
 * <p>Windowed max and average pooling delegate to the scalar kernels. Their common strides (2 in AlexNet, VGG, ResNet,
 * DenseNet) put the taps of neighbouring outputs at non-contiguous columns, which would need gathers or shuffles; the
 * stride-1 case (GoogLeNet's 3x3 branch pools) could vectorize across output columns, but together with argmax
 * tracking, NaN propagation and clipped borders it would add much code for a few percent of a network's time.
 */
public final class SimdPoolingKernels implements PoolingKernels {

    private static final int LANES = VectorShapes.FLOAT_LANES;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private final PoolingKernels scalar = PoolingKernels.scalar();

    public SimdPoolingKernels() {
    }

    @Override
    public void maxPool2dForward(MemorySegment x, long xOffset, // (planes, H, W)
                                 int planes, int height, int width, Window2d window,
                                 MemorySegment y, long yOffset, // (planes, OH, OW)
                                 int outputHeight, int outputWidth,
                                 MemorySegment indices, long indicesOffset) { // (planes, OH, OW) ints, or null
        scalar.maxPool2dForward(x, xOffset, planes, height, width, window, y, yOffset, outputHeight, outputWidth,
                indices, indicesOffset);
    }

    @Override
    public void maxPool2dBackward(MemorySegment dy, long dyOffset, // (planes, OH, OW)
                                  MemorySegment indices, long indicesOffset, // (planes, OH, OW) ints
                                  int planes, int outputPlaneSize,
                                  MemorySegment dx, long dxOffset, // (planes, H, W)
                                  int inputPlaneSize) {
        scalar.maxPool2dBackward(dy, dyOffset, indices, indicesOffset, planes, outputPlaneSize, dx, dxOffset,
                inputPlaneSize);
    }

    @Override
    public void avgPool2dForward(MemorySegment x, long xOffset, // (planes, H, W)
                                 int planes, int height, int width, Window2d window, boolean countIncludePad,
                                 MemorySegment y, long yOffset, // (planes, OH, OW)
                                 int outputHeight, int outputWidth) {
        scalar.avgPool2dForward(x, xOffset, planes, height, width, window, countIncludePad, y, yOffset,
                outputHeight, outputWidth);
    }

    @Override
    public void avgPool2dBackward(MemorySegment dy, long dyOffset, // (planes, OH, OW)
                                  int planes, int outputHeight, int outputWidth, Window2d window,
                                  boolean countIncludePad,
                                  MemorySegment dx, long dxOffset, // (planes, H, W)
                                  int height, int width) {
        scalar.avgPool2dBackward(dy, dyOffset, planes, outputHeight, outputWidth, window, countIncludePad, dx,
                dxOffset, height, width);
    }

    @Override
    public void globalAvgPool2dForward(MemorySegment x, long xOffset, // (planes, H * W)
                                       int planes, int planeSize,
                                       MemorySegment y, long yOffset) { // (planes)
        for (int plane = 0; plane < planes; plane++) {
            long planeByteOffset = (xOffset + (long) plane * planeSize) * Float.BYTES;
            y.setAtIndex(JAVA_FLOAT, yOffset + plane, sum(x, planeByteOffset, planeSize) / planeSize);
        }
    }

    /** The sum of {@code count} floats from {@code byteOffset}: four accumulators, then one masked tail. */
    private static float sum(MemorySegment x, long byteOffset, int count) {
        FloatVector sum0 = FloatVector.zero(VectorShapes.FLOAT);
        FloatVector sum1 = FloatVector.zero(VectorShapes.FLOAT);
        FloatVector sum2 = FloatVector.zero(VectorShapes.FLOAT);
        FloatVector sum3 = FloatVector.zero(VectorShapes.FLOAT);
        int i = 0;
        for (; i <= count - 4 * LANES; i += 4 * LANES) {
            long at = byteOffset + (long) i * Float.BYTES;
            sum0 = sum0.add(FloatVector.fromMemorySegment(VectorShapes.FLOAT, x, at, ORDER));
            sum1 = sum1.add(FloatVector.fromMemorySegment(VectorShapes.FLOAT, x, at + (long) LANES * Float.BYTES, ORDER));
            sum2 = sum2.add(FloatVector.fromMemorySegment(VectorShapes.FLOAT, x, at + 2L * LANES * Float.BYTES, ORDER));
            sum3 = sum3.add(FloatVector.fromMemorySegment(VectorShapes.FLOAT, x, at + 3L * LANES * Float.BYTES, ORDER));
        }
        for (; i <= count - LANES; i += LANES) {
            sum0 = sum0.add(FloatVector.fromMemorySegment(VectorShapes.FLOAT, x, byteOffset + (long) i * Float.BYTES,
                    ORDER));
        }
        if (i < count) {
            VectorMask<Float> tail = VectorShapes.FLOAT.indexInRange(i, count);
            sum1 = sum1.add(FloatVector.fromMemorySegment(VectorShapes.FLOAT, x, byteOffset + (long) i * Float.BYTES,
                    ORDER, tail));
        }
        return Lanes.sum(sum0.add(sum1).add(sum2.add(sum3)));
    }

    @Override
    public void globalAvgPool2dBackward(MemorySegment dy, long dyOffset, // (planes)
                                        int planes, int planeSize,
                                        MemorySegment dx, long dxOffset) { // (planes, H * W)
        for (int plane = 0; plane < planes; plane++) {
            float share = dy.getAtIndex(JAVA_FLOAT, dyOffset + plane) / planeSize;
            FloatVector shares = FloatVector.broadcast(VectorShapes.FLOAT, share);
            long planeByteOffset = (dxOffset + (long) plane * planeSize) * Float.BYTES;
            int i = 0;
            for (; i <= planeSize - LANES; i += LANES) {
                shares.intoMemorySegment(dx, planeByteOffset + (long) i * Float.BYTES, ORDER);
            }
            if (i < planeSize) {
                shares.intoMemorySegment(dx, planeByteOffset + (long) i * Float.BYTES, ORDER,
                        VectorShapes.FLOAT.indexInRange(i, planeSize));
            }
        }
    }
}
