package dev.jdnn.engine.backend;

import dev.jdnn.engine.kernel.Activation;
import dev.jdnn.engine.kernel.Activations;
import dev.jdnn.engine.kernel.Im2col;
import dev.jdnn.engine.kernel.Sgemm;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Convolution on the Java kernels: per image and group, im2col into a column matrix this object owns, then one SGEMM
 * {@code y[g] (OC/g, OH·OW) = w[g] (OC/g, C/g·KH·KW) · columns}; 1×1 stride-1 unpadded convolutions use the input as
 * the column matrix directly. The post-op's sum is SGEMM's beta = 1; bias (a vectorized per-channel add) and ReLU
 * follow as an epilogue. The weights are packed for SGEMM once per run and reused for every image of the batch.
 */
final class JavaConv2dForward implements Conv2dForward, AutoCloseable {

    private final Conv2dSpec spec;
    private final boolean pointwise;
    private final Tensor columns; // (C/groups·KH·KW, OH·OW), null for pointwise convolutions
    private final Tensor ones;    // (OC) of 1: the scale of the vectorized bias epilogue, null without bias
    private final Sgemm.PackedA[] packedWeights; // per group: (OC/groups, C/groups·KH·KW), packed once per run
    private volatile boolean closed;

    JavaConv2dForward(Conv2dSpec spec) {
        this.spec = spec;
        Window2d w = spec.window();
        this.pointwise = w.kernelH() == 1 && w.kernelW() == 1 && w.strideH() == 1 && w.strideW() == 1
                && w.padH() == 0 && w.padW() == 0;
        this.columns = pointwise ? null
                : Tensor.allocate(Im2col.columnsShape(spec.input(), spec.groups(), spec.window()), DType.F32);
        this.ones = spec.bias() ? Tensor.allocate(spec.biasShape(), DType.F32) : null;
        this.packedWeights = allocatePacked(spec);
        if (ones != null) {
            ones.fill(1f);
        }
    }

    @Override
    public Conv2dSpec spec() {
        return spec;
    }

    @Override
    public void run(Tensor input, Tensor weight, Tensor bias, Tensor output) {
        ConvArguments.checkForward(spec, input, weight, bias, output);
        requireOpen();
        pack(weight, packedWeights);
        compute(input, packedWeights, bias, output);
    }

    @Override
    public PreparedConv2d prepare(Tensor weight, Tensor bias) {
        ConvArguments.checkParameters(spec, weight, bias);
        requireOpen();
        return new Prepared(weight, bias);
    }

    /** Packs {@code weight} {@code (OC, C/groups, KH, KW)} into one SGEMM A panel set per group. */
    private void pack(Tensor weight, Sgemm.PackedA[] packed) {
        MemorySegment w = weight.segment("conv2d: weight");
        int groupOut = spec.outChannels() / spec.groups();
        int depth = packed[0].depth();
        for (int g = 0; g < packed.length; g++) {
            packed[g].pack(false, 1f, w, (long) g * groupOut * depth, depth);
        }
    }

    private static Sgemm.PackedA[] allocatePacked(Conv2dSpec spec) {
        Window2d w = spec.window();
        int groupOut = spec.outChannels() / spec.groups();
        int depth = spec.input().dim(1) / spec.groups() * w.kernelH() * w.kernelW();
        Sgemm.PackedA[] packed = new Sgemm.PackedA[spec.groups()];
        for (int g = 0; g < packed.length; g++) {
            packed[g] = Sgemm.PackedA.allocate(groupOut, depth);
        }
        return packed;
    }

    /** The convolution on weights already packed: the GEMMs, then the bias and ReLU epilogue. */
    private void compute(Tensor input, Sgemm.PackedA[] packed, Tensor bias, Tensor output) {
        Shape in = spec.input();
        Shape out = spec.outputShape();
        int groups = spec.groups();
        int groupIn = in.dim(1) / groups;
        int groupOut = spec.outChannels() / groups;
        int pixels = out.dim(2) * out.dim(3); // N of the GEMM
        MemorySegment x = input.segment("conv2d: input");
        MemorySegment y = output.segment("conv2d: output");
        boolean sum = spec.postOp() == PostOp.SUM || spec.postOp() == PostOp.SUM_RELU;
        long inputPlane = (long) in.dim(2) * in.dim(3);
        for (int n = 0; n < in.dim(0); n++) {
            for (int g = 0; g < groups; g++) {
                MemorySegment b;
                long bOffset;
                if (pointwise) {
                    b = x;
                    bOffset = ((long) n * in.dim(1) + (long) g * groupIn) * inputPlane;
                } else {
                    Im2col.im2col(input, n, g, groups, spec.window(), columns);
                    b = columns.segment("conv2d: columns");
                    bOffset = 0;
                }
                long yOffset = ((long) n * spec.outChannels() + (long) g * groupOut) * pixels;
                Sgemm.sgemm(packed[g], false, pixels, b, bOffset, pixels, sum ? 1f : 0f, y, yOffset, pixels);
            }
        }
        if (spec.bias()) {
            // y·1 + bias[c] is exactly y + bias[c]: scale-shift is the vectorized per-channel add.
            Activations.scaleShift(output, ones, bias, output);
        }
        if (spec.postOp() == PostOp.RELU || spec.postOp() == PostOp.SUM_RELU) {
            Activations.forward(Activation.RELU, output, output);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("conv2d: this Java convolution " + spec
                    + " was used after its backend closed");
        }
    }

    /** Weights packed once and a copy of the bias; runs on the owner's column buffer. */
    private final class Prepared implements PreparedConv2d {

        private final Sgemm.PackedA[] packed = allocatePacked(spec);
        private final Tensor bias; // (OC) copy, null without bias
        private volatile boolean preparedClosed;

        Prepared(Tensor weight, Tensor bias) {
            pack(weight, packed);
            this.bias = bias == null ? null : bias.copy();
        }

        @Override
        public Conv2dSpec spec() {
            return spec;
        }

        @Override
        public void run(Tensor input, Tensor output) {
            ConvArguments.checkInputOutput(spec, input, output);
            requireOpen();
            if (preparedClosed) {
                throw new IllegalStateException("conv2d: this prepared convolution " + spec + " was used after close()");
            }
            compute(input, packed, bias, output);
        }

        @Override
        public void close() {
            if (preparedClosed) {
                return;
            }
            preparedClosed = true;
            for (Sgemm.PackedA p : packed) {
                p.close();
            }
            if (bias != null) {
                bias.close();
            }
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
        if (ones != null) {
            ones.close();
        }
        for (Sgemm.PackedA packed : packedWeights) {
            packed.close();
        }
    }
}
