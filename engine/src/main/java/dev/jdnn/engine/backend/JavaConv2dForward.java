package dev.jdnn.engine.backend;

import dev.jdnn.engine.kernel.Activation;
import dev.jdnn.engine.kernel.Activations;
import dev.jdnn.engine.kernel.Clamp;
import dev.jdnn.engine.kernel.ConvOutput;
import dev.jdnn.engine.kernel.Im2col;
import dev.jdnn.engine.kernel.Sgemm;
import dev.jdnn.engine.kernel.ShiftedColumns;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Convolution on the Java kernels, one SGEMM per image and group,
 * {@code y[g] (OC/g, OH·OW) = w[g] (OC/g, C/g·KH·KW) · columns}, with the weights packed for SGEMM once per run (or
 * once for all runs: {@link #prepare}) and reused for every image of the batch. Three ways to the column matrix:
 * <ul>
 *   <li>1×1 stride-1 unpadded convolutions use the input itself;</li>
 *   <li>otherwise, one image per GEMM reads B's rows straight from the image padded and split into its stride phases
 *       ({@link ShiftedColumns}): no column matrix is written, SGEMM packs each B panel inside its task from those
 *       rows, and one pass ({@link ConvOutput}) drops the GEMM's columns between output rows while adding the sum
 *       post-op's previous output, the bias and ReLU (bench/RESULTS.md has what this gained);</li>
 *   <li>where an image's output plane is tiny (ResNet's 7×7 stage at batch > 1: a GEMM 49 wide wastes most of the
 *       48-wide micro-kernel and leaves little to split over threads), several images' column
 *       matrices (im2col) sit side by side and one GEMM convolves them all; the sum post-op is SGEMM's beta = 1,
 *       bias (a vectorized per-channel add) and ReLU follow as an epilogue.</li>
 * </ul>
 */
final class JavaConv2dForward implements Conv2dForward, AutoCloseable {

    /**
     * Below this many output pixels per image, several images share one GEMM (im2col side by side); above, one image
     * per GEMM on the shifted columns. Batch 32, 2 threads: the shifted columns took ResNet-50's 28×28 3×3 from 41.7
     * to 23.8 ms and its 14×14 one from 35.8 to 30.0 ms; its 7×7 one stays batched (30.8 ms either way).
     */
    private static final int NARROW_PLANE = 128;
    /** GEMM width (images · OH·OW) that batching aims for. */
    private static final int BATCHED_COLUMNS = 2048;
    /** The most memory the batched column matrix may take. */
    private static final long COLUMNS_BUDGET_BYTES = 32L << 20;

    private final Conv2dSpec spec;
    private final boolean pointwise;
    private final int imagesPerGemm; // 1, or several images side by side in one GEMM
    private final ShiftedColumns shifted; // one-image GEMMs of a non-pointwise convolution: B read from shiftedInput
    private final Tensor shiftedInput;    // the padded, stride-split image (ShiftedColumns), or null
    private final long[][] rowOffsets;    // per group: where each row of B starts in shiftedInput, or null
    private final Tensor shiftedOutput;   // (OC/groups, shifted.width()) flat: the GEMM's result, or null
    private final Tensor columns; // (C/groups·KH·KW, imagesPerGemm·OH·OW) flat; null unless images are batched
    private final Tensor gathered; // (OC/groups, imagesPerGemm·OH·OW) flat: the batched GEMM's output, or null
    private final Tensor columnsFull;      // columns as (C/groups·KH·KW, imagesPerGemm·OH·OW), or null
    private final Tensor columnsRemainder; // the same for the last, smaller group of images, or null
    private final Tensor ones;    // (OC) of 1: the scale of the vectorized bias epilogue, null without bias
    private final Sgemm.PackedA[] packedWeights; // per group: (OC/groups, C/groups·KH·KW), packed once per run
    private volatile boolean closed;

    JavaConv2dForward(Conv2dSpec spec) {
        this.spec = spec;
        Window2d w = spec.window();
        this.pointwise = w.kernelH() == 1 && w.kernelW() == 1 && w.strideH() == 1 && w.strideW() == 1
                && w.padH() == 0 && w.padW() == 0;
        Shape out = spec.outputShape();
        int pixels = out.dim(2) * out.dim(3);
        long depth = (long) spec.input().dim(1) / spec.groups() * w.kernelH() * w.kernelW();
        int batch = spec.input().dim(0);
        int images = 1;
        if (batch > 1 && pixels < NARROW_PLANE) {
            long byBudget = COLUMNS_BUDGET_BYTES / (depth * pixels * Float.BYTES);
            images = (int) Math.max(1, Math.min(Math.min(batch, Math.ceilDiv(BATCHED_COLUMNS, pixels)), byBudget));
        }
        this.imagesPerGemm = images;
        if (imagesPerGemm == 1 && !pointwise) {
            this.shifted = new ShiftedColumns(spec.input(), spec.groups(), w);
            this.shiftedInput = Tensor.allocate(Shape.of(Math.toIntExact(shifted.bufferElements())), DType.F32);
            this.rowOffsets = new long[spec.groups()][];
            for (int g = 0; g < spec.groups(); g++) {
                rowOffsets[g] = shifted.rowByteOffsets(g);
            }
            this.shiftedOutput = Tensor.allocate(
                    Shape.of(Math.multiplyExact(spec.outChannels() / spec.groups(), shifted.width())), DType.F32);
        } else {
            this.shifted = null;
            this.shiftedInput = null;
            this.rowOffsets = null;
            this.shiftedOutput = null;
        }
        long columnElements = depth * pixels * imagesPerGemm;
        this.columns = imagesPerGemm == 1 ? null : Tensor.allocate(
                Shape.of(Math.toIntExact(columnElements)), DType.F32);
        this.gathered = imagesPerGemm == 1 ? null : Tensor.allocate(
                Shape.of(spec.outChannels() / spec.groups() * pixels * imagesPerGemm), DType.F32);
        this.columnsFull = columns == null ? null : columnsView(imagesPerGemm);
        this.columnsRemainder = columns == null || batch % imagesPerGemm == 0 ? null
                : columnsView(batch % imagesPerGemm);
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
        activate(output);
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
        boolean sum = spec.postOp().hasSum();
        long inputPlane = (long) in.dim(2) * in.dim(3);
        if (shifted != null) {
            computeShifted(input, packed, bias, output, sum);
            return;
        }
        if (imagesPerGemm > 1) {
            computeBatched(input, packed, output, sum);
        } else {
            for (int n = 0; n < in.dim(0); n++) {
            for (int g = 0; g < groups; g++) {
                long bOffset = ((long) n * in.dim(1) + (long) g * groupIn) * inputPlane;
                long yOffset = ((long) n * spec.outChannels() + (long) g * groupOut) * pixels;
                Sgemm.sgemm(packed[g], false, pixels, x, bOffset, pixels, sum ? 1f : 0f, y, yOffset, pixels);
            }
            }
        }
        if (spec.bias()) {
            // y·1 + bias[c] is exactly y + bias[c]: scale-shift is the vectorized per-channel add.
            Activations.scaleShift(output, ones, bias, output);
        }
        if (spec.postOp().endsWithRelu()) {
            Activations.forward(Activation.RELU, output, output);
        }
    }

    /** The activation post-ops the GEMM epilogues do not fuse, as one more pass over the output. */
    private void activate(Tensor output) {
        switch (spec.postOp()) {
            case RELU6 -> Clamp.forward(output, 0f, 6f, output);
            case SILU -> Activations.forward(Activation.SILU, output, output);
            case HARDSWISH -> Activations.forward(Activation.HARDSWISH, output, output);
            case NONE, RELU, SUM, SUM_RELU -> { }
        }
    }

    /**
     * One image at a time without a column matrix: the image padded and split into stride phases
     * ({@link ShiftedColumns}), one GEMM per group reading B's rows straight from it into {@code shiftedOutput}, then
     * one pass that drops the columns between output rows and adds the previous output, the bias and ReLU.
     */
    private void computeShifted(Tensor input, Sgemm.PackedA[] packed, Tensor bias, Tensor output, boolean sum) {
        Shape out = spec.outputShape();
        int groupOut = spec.outChannels() / spec.groups();
        int width = shifted.width();
        long plane = (long) out.dim(2) * out.dim(3);
        boolean relu = spec.postOp().endsWithRelu();
        MemorySegment b = shiftedInput.segment("conv2d: shifted input");
        MemorySegment c = shiftedOutput.segment("conv2d: shifted output");
        MemorySegment y = output.segment("conv2d: output");
        MemorySegment biasMemory = bias == null ? null : bias.segment("conv2d: bias");
        for (int n = 0; n < spec.input().dim(0); n++) {
            shifted.fill(input, n, b);
            for (int g = 0; g < spec.groups(); g++) {
                Sgemm.sgemm(packed[g], b, rowOffsets[g], width, 0f, c, 0, width);
                ConvOutput.store(c, 0, width, shifted.phaseWidth(), biasMemory, (long) g * groupOut, sum, relu, y,
                        ((long) n * spec.outChannels() + (long) g * groupOut) * plane, groupOut, out.dim(2),
                        out.dim(3));
            }
        }
    }

    /**
     * Several images per GEMM: their column matrices side by side, one GEMM per group into {@code gathered}
     * {@code (OC/groups, images·OH·OW)}, then each image's block copied to its place in the output (with a sum
     * post-op, the output's previous values are gathered first and the GEMM adds onto them).
     */
    private void computeBatched(Tensor input, Sgemm.PackedA[] packed, Tensor output, boolean sum) {
        Shape out = spec.outputShape();
        int groups = spec.groups();
        int groupOut = spec.outChannels() / groups;
        int pixels = out.dim(2) * out.dim(3);
        int batch = spec.input().dim(0);
        MemorySegment y = output.segment("conv2d: output");
        MemorySegment c = gathered.segment("conv2d: gathered output");
        MemorySegment b = columns.segment("conv2d: columns");
        for (int first = 0; first < batch; first += imagesPerGemm) {
            int images = Math.min(imagesPerGemm, batch - first);
            int width = images * pixels;
            for (int g = 0; g < groups; g++) {
                Im2col.im2colImages(input, first, images, g, groups, spec.window(),
                        images == imagesPerGemm ? columnsFull : columnsRemainder);
                if (sum) {
                    moveBlocks(y, c, first, images, g, groupOut, pixels, true);
                }
                Sgemm.sgemm(packed[g], false, width, b, 0, width, sum ? 1f : 0f, c, 0, width);
                moveBlocks(y, c, first, images, g, groupOut, pixels, false);
            }
        }
    }

    /**
     * Copies between the output {@code (N, OC, OH·OW)} and {@code gathered} {@code (OC/groups, images·OH·OW)}: image
     * {@code first + i}, group {@code g}, channel row {@code r} is gathered row {@code r}, columns
     * {@code [i·OH·OW, (i + 1)·OH·OW)}.
     */
    private void moveBlocks(MemorySegment y, MemorySegment c, int first, int images, int g, int groupOut, int pixels,
                            boolean intoGathered) {
        long rowBytes = (long) pixels * Float.BYTES;
        long gatheredRowBytes = rowBytes * images;
        Parallel.forEach(images, (i, worker) -> {
            long yRow = ((long) (first + i) * spec.outChannels() + (long) g * groupOut) * rowBytes;
            long cRow = i * rowBytes;
            for (int r = 0; r < groupOut; r++, yRow += rowBytes, cRow += gatheredRowBytes) {
                if (intoGathered) {
                    MemorySegment.copy(y, yRow, c, cRow, rowBytes);
                } else {
                    MemorySegment.copy(c, cRow, y, yRow, rowBytes);
                }
            }
        });
    }

    /** The column buffer as the matrix of {@code images} images, {@code (C/groups·KH·KW, images·OH·OW)}. */
    private Tensor columnsView(int images) {
        Shape shape = Im2col.columnsShape(spec.input(), spec.groups(), spec.window(), images);
        return columns.sliceBatch(0, Math.toIntExact(shape.elementCount())).reshape(shape.dims());
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
            activate(output);
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
        if (shiftedInput != null) {
            shiftedInput.close();
            shiftedOutput.close();
        }
        if (gathered != null) {
            gathered.close();
        }
        if (ones != null) {
            ones.close();
        }
        for (Sgemm.PackedA packed : packedWeights) {
            packed.close();
        }
    }
}
