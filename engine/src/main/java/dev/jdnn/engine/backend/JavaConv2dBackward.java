package dev.jdnn.engine.backend;

import static dev.jdnn.engine.backend.ConvBackwardArguments.DATA;
import static dev.jdnn.engine.backend.ConvBackwardArguments.WEIGHTS;

import dev.jdnn.engine.kernel.Im2col;
import dev.jdnn.engine.kernel.Reductions;
import dev.jdnn.engine.kernel.Sgemm;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * The convolution's backward passes on the Java kernels, per image and group, with the forward's column matrix
 * {@code (C/g·KH·KW, OH·OW)} (see {@link Im2col}):
 * <ul>
 *   <li>data: {@code columns = w[g]ᵀ · dy[n, g]} by SGEMM with the transposed weights packed once per run, then
 *       {@link Im2col#col2im} adds the columns back onto {@code dx}, zeroed per image first;</li>
 *   <li>weights: {@code dw[g] (OC/g, C/g·KH·KW) = Σₙ dy[n, g] · columns[n, g]ᵀ}, im2col per image and one SGEMM with
 *       a transposed B, beta 0 for the first image and 1 after;</li>
 *   <li>bias: {@link Reductions#channelSum} of {@code dy}.</li>
 * </ul>
 * 1×1 stride-1 unpadded convolutions skip the column matrix: the GEMM writes {@code dx} and reads {@code x} directly.
 */
final class JavaConv2dBackward implements Conv2dBackward, AutoCloseable {

    private final Conv2dSpec spec;
    private final boolean pointwise;
    private final int groupIn;    // C/groups
    private final int groupOut;   // OC/groups
    private final int depth;      // C/groups·KH·KW: rows of the column matrix
    private final int pixels;     // OH·OW: columns of the column matrix
    private final Tensor columns; // (C/groups·KH·KW, OH·OW), null for pointwise convolutions
    private final Sgemm.PackedA[] packedWeights; // per group: w[g]ᵀ (C/groups·KH·KW, OC/groups), packed once per run
    private boolean closed;

    JavaConv2dBackward(Conv2dSpec spec) {
        ConvBackwardArguments.checkSpec(spec);
        this.spec = spec;
        Window2d w = spec.window();
        this.pointwise = w.kernelH() == 1 && w.kernelW() == 1 && w.strideH() == 1 && w.strideW() == 1
                && w.padH() == 0 && w.padW() == 0;
        this.groupIn = spec.input().dim(1) / spec.groups();
        this.groupOut = spec.outChannels() / spec.groups();
        this.depth = groupIn * w.kernelH() * w.kernelW();
        Shape out = spec.outputShape();
        this.pixels = out.dim(2) * out.dim(3);
        this.columns = pointwise ? null
                : Tensor.allocate(Im2col.columnsShape(spec.input(), spec.groups(), w), DType.F32);
        this.packedWeights = new Sgemm.PackedA[spec.groups()];
        for (int g = 0; g < packedWeights.length; g++) {
            packedWeights[g] = Sgemm.PackedA.allocate(depth, groupOut);
        }
    }

    @Override
    public Conv2dSpec spec() {
        return spec;
    }

    @Override
    public void backwardData(Tensor gradOutput, Tensor weight, Tensor gradInput) {
        ConvBackwardArguments.checkBackwardData(spec, gradOutput, weight, gradInput);
        requireOpen();
        Shape in = spec.input();
        int groups = spec.groups();
        MemorySegment dy = gradOutput.segment(DATA + ": gradOutput");
        MemorySegment w = weight.segment(DATA + ": weight");
        MemorySegment dx = gradInput.segment(DATA + ": gradInput");
        long inputPlane = (long) in.dim(2) * in.dim(3);
        long imageBytes = in.dim(1) * inputPlane * Float.BYTES;
        for (int g = 0; g < groups; g++) {
            // op(A) = w[g]ᵀ, (C/g·KH·KW, OC/g); w[g] is stored (OC/g, C/g·KH·KW).
            packedWeights[g].pack(true, 1f, w, (long) g * groupOut * depth, depth);
        }
        for (int n = 0; n < in.dim(0); n++) {
            if (!pointwise) {
                dx.asSlice(n * imageBytes, imageBytes).fill((byte) 0); // col2im accumulates
            }
            for (int g = 0; g < groups; g++) {
                long dyOffset = ((long) n * spec.outChannels() + (long) g * groupOut) * pixels;
                if (pointwise) {
                    long dxOffset = ((long) n * in.dim(1) + (long) g * groupIn) * inputPlane;
                    Sgemm.sgemm(packedWeights[g], false, pixels, dy, dyOffset, pixels, 0f, dx, dxOffset, pixels);
                } else {
                    Sgemm.sgemm(packedWeights[g], false, pixels, dy, dyOffset, pixels, 0f,
                            columns.segment(DATA + ": columns"), 0, pixels);
                    Im2col.col2im(columns, n, g, groups, spec.window(), gradInput);
                }
            }
        }
    }

    @Override
    public void backwardWeights(Tensor input, Tensor gradOutput, Tensor gradWeight, Tensor gradBias) {
        ConvBackwardArguments.checkBackwardWeights(spec, input, gradOutput, gradWeight, gradBias);
        requireOpen();
        Shape in = spec.input();
        int groups = spec.groups();
        MemorySegment x = input.segment(WEIGHTS + ": input");
        MemorySegment dy = gradOutput.segment(WEIGHTS + ": gradOutput");
        MemorySegment dw = gradWeight.segment(WEIGHTS + ": gradWeight");
        long inputPlane = (long) in.dim(2) * in.dim(3);
        for (int n = 0; n < in.dim(0); n++) {
            float beta = n == 0 ? 0f : 1f;
            for (int g = 0; g < groups; g++) {
                MemorySegment b;
                long bOffset;
                if (pointwise) {
                    b = x;
                    bOffset = ((long) n * in.dim(1) + (long) g * groupIn) * inputPlane;
                } else {
                    Im2col.im2col(input, n, g, groups, spec.window(), columns);
                    b = columns.segment(WEIGHTS + ": columns");
                    bOffset = 0;
                }
                long dyOffset = ((long) n * spec.outChannels() + (long) g * groupOut) * pixels;
                // dw[g] (OC/g, depth) += dy[n, g] (OC/g, pixels) · columns (depth, pixels)ᵀ
                Sgemm.sgemm(false, true, groupOut, depth, pixels, 1f, dy, dyOffset, pixels, b, bOffset, pixels, beta,
                        dw, (long) g * groupOut * depth, depth);
            }
        }
        if (gradBias != null) {
            Reductions.channelSum(gradOutput, gradBias);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("conv2d backward: this Java convolution " + spec + " was used after close()");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (columns != null) {
            columns.close();
        }
        for (Sgemm.PackedA packed : packedWeights) {
            packed.close();
        }
    }
}
