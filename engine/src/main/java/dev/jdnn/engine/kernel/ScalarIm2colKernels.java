package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * im2col / col2im with plain loops. For each column-matrix row (one {@code (c, kh, kw)}) the output columns whose
 * input position is inside the image form one range {@code [owFirst, owEnd)}, the same for every {@code oh}; so a row
 * of the matrix is a zero run, a copy (one {@link MemorySegment#copy} when the stride is 1, else a strided
 * {@link #gather}) and another zero run, and no bounds test runs per element.
 *
 * <p>The Vector API twin ({@code SimdIm2colKernels}) extends this class and replaces only {@link #gather}.
 */
public class ScalarIm2colKernels implements Im2colKernels {

    /** For the Vector API twin; the engine gets its kernels from {@link Im2col}. */
    protected ScalarIm2colKernels() {
    }

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    @Override
    public void im2col(MemorySegment input, long inputOffset, // (channels, height, width)
                       int channels, int height, int width, Window2d window, int outHeight, int outWidth,
                       MemorySegment columns, long columnsOffset, // (channels * KH * KW, outHeight * outWidth)
                       long ldColumns) {
        int strideH = window.strideH();
        int strideW = window.strideW();
        long plane = (long) height * width;
        long row = columnsOffset;
        for (int c = 0; c < channels; c++) {
            long planeOffset = inputOffset + c * plane;
            for (int kh = 0; kh < window.kernelH(); kh++) {
                int shiftH = kh * window.dilationH() - window.padH(); // ih = oh * strideH + shiftH
                for (int kw = 0; kw < window.kernelW(); kw++, row += ldColumns) {
                    int shiftW = kw * window.dilationW() - window.padW(); // iw = ow * strideW + shiftW
                    int owFirst = firstInside(shiftW, strideW, outWidth);
                    int owEnd = endInside(shiftW, strideW, width, outWidth, owFirst);
                    int inside = owEnd - owFirst;
                    for (int oh = 0; oh < outHeight; oh++) {
                        int ih = oh * strideH + shiftH;
                        long rowIndex = row + (long) oh * outWidth;
                        if (ih < 0 || ih >= height || inside == 0) {
                            zero(columns, rowIndex, outWidth);
                            continue;
                        }
                        zero(columns, rowIndex, owFirst);
                        long source = planeOffset + (long) ih * width + (long) owFirst * strideW + shiftW;
                        long target = rowIndex + owFirst;
                        if (strideW == 1) {
                            MemorySegment.copy(input, source * Float.BYTES, columns, target * Float.BYTES,
                                    (long) inside * Float.BYTES);
                        } else {
                            gather(input, source, strideW, columns, target, inside);
                        }
                        zero(columns, rowIndex + owEnd, outWidth - owEnd);
                    }
                }
            }
        }
    }

    @Override
    public void col2im(MemorySegment columns, long columnsOffset, // (channels * KH * KW, outHeight * outWidth)
                       int channels, int height, int width, Window2d window, int outHeight, int outWidth,
                       MemorySegment image, long imageOffset) { // (channels, height, width), accumulated into
        int strideH = window.strideH();
        int strideW = window.strideW();
        long plane = (long) height * width;
        long rowLength = (long) outHeight * outWidth;
        long row = columnsOffset;
        for (int c = 0; c < channels; c++) {
            long planeOffset = imageOffset + c * plane;
            for (int kh = 0; kh < window.kernelH(); kh++) {
                int shiftH = kh * window.dilationH() - window.padH();
                for (int kw = 0; kw < window.kernelW(); kw++, row += rowLength) {
                    int shiftW = kw * window.dilationW() - window.padW();
                    int owFirst = firstInside(shiftW, strideW, outWidth);
                    int owEnd = endInside(shiftW, strideW, width, outWidth, owFirst);
                    int inside = owEnd - owFirst;
                    for (int oh = 0; oh < outHeight; oh++) {
                        int ih = oh * strideH + shiftH;
                        if (ih < 0 || ih >= height) {
                            continue;
                        }
                        long source = row + (long) oh * outWidth + owFirst;
                        long target = planeOffset + (long) ih * width + (long) owFirst * strideW + shiftW;
                        for (int i = 0; i < inside; i++) {
                            long index = target + (long) i * strideW;
                            image.setAtIndex(F32, index, image.getAtIndex(F32, index) + columns.getAtIndex(F32, source + i));
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code columns[target + i] = input[source + i·stride]} for {@code i < count} (element offsets): one row piece of
     * a strided convolution's column matrix.
     */
    protected void gather(MemorySegment input, long source, int stride, MemorySegment columns, long target,
                          int count) {
        for (int i = 0; i < count; i++) {
            columns.setAtIndex(F32, target + i, input.getAtIndex(F32, source + (long) i * stride));
        }
    }

    /** The smallest {@code ow} in {@code [0, outWidth]} with {@code ow * stride + shift >= 0}. */
    private static int firstInside(int shift, int stride, int outWidth) {
        return Math.clamp(Math.ceilDiv(-shift, stride), 0, outWidth);
    }

    /** The smallest {@code ow} in {@code [first, outWidth]} with {@code ow * stride + shift >= width}. */
    private static int endInside(int shift, int stride, int width, int outWidth, int first) {
        return Math.clamp(Math.ceilDiv(width - shift, stride), first, outWidth);
    }

    private static void zero(MemorySegment segment, long index, int count) {
        for (int i = 0; i < count; i++) {
            segment.setAtIndex(F32, index + i, 0f);
        }
    }
}
