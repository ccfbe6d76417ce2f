package dev.jdnn.engine.kernel;

import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A convolution's column matrix without the matrix: every row of it is a shifted run of one buffer, the input padded
 * and split into its stride phases, so {@link Sgemm#sgemm(Sgemm.PackedA, MemorySegment, long[], int, float,
 * MemorySegment, long, int)} can read B straight from that buffer.
 *
 * <p>The buffer holds, per channel {@code c} and stride phase {@code (a, b)} ({@code a < strideH}, {@code b < strideW}),
 * the plane {@code P[c, a, b][i, j] = x[c, i·strideH + a − padH, j·strideW + b − padW]} (0 outside the image), of
 * {@link #phaseHeight()} × {@link #phaseWidth()} elements. A window tap {@code (kh, kw)} reads padded position
 * {@code (oh·strideH + kh·dilationH, ow·strideW + kw·dilationW)}, which is {@code P[c, a, b][oh + kh·dilationH / strideH,
 * ow + kw·dilationW / strideW]} with {@code a = kh·dilationH mod strideH}, {@code b = kw·dilationW mod strideW}: in the
 * flattened plane, column {@code oh · phaseWidth + ow} of the tap's row is a fixed offset from the output position.
 * So the GEMM runs over {@link #width()} {@code = (OH − 1)·phaseWidth + OW} columns, output {@code (oh, ow)} at column
 * {@code oh · phaseWidth + ow}; the {@code phaseWidth − OW} columns between output rows are computed and dropped
 * ({@link ConvOutput}). For stride 1 the buffer is just the padded input.
 *
 * <p>Filling the buffer is one pass over the input (the im2col kernels with a window of one tap per phase), instead of
 * writing and re-reading a column matrix KH·KW times the input's size.
 */
public final class ShiftedColumns {

    private static final Im2colKernels KERNELS =
            Vectorization.load(Im2colKernels.class, "SimdIm2colKernels", ScalarIm2colKernels::new);

    private final Shape input;
    private final int groups;
    private final Window2d window;
    private final int outHeight;
    private final int outWidth;
    private final int phaseHeight;
    private final int phaseWidth;
    private final Window2d phaseWindow; // one tap per stride phase: the im2col that writes the phase planes

    /**
     * For input {@code (N, C, H, W)}, {@code groups} dividing C and a floor-mode window; fails naming
     * {@code conv2d} otherwise.
     */
    public ShiftedColumns(Shape input, int groups, Window2d window) {
        this.input = Objects.requireNonNull(input, "conv2d: input shape");
        this.window = Objects.requireNonNull(window, "conv2d: window");
        input.requireRank(4, "conv2d: input", "N, C, H, W");
        if (groups <= 0 || input.dim(1) % groups != 0) {
            throw new IllegalArgumentException("conv2d: groups (" + groups + ") must be positive and divide the input's "
                    + input.dim(1) + " channels");
        }
        if (window.ceilMode()) {
            throw new IllegalArgumentException("conv2d: a convolution window has no ceil mode");
        }
        this.groups = groups;
        this.outHeight = window.outputHeight(input.dim(2));
        this.outWidth = window.outputWidth(input.dim(3));
        this.phaseHeight = Math.ceilDiv(input.dim(2) + 2 * window.padH(), window.strideH());
        this.phaseWidth = Math.ceilDiv(input.dim(3) + 2 * window.padW(), window.strideW());
        this.phaseWindow = new Window2d(window.strideH(), window.strideW(), window.strideH(), window.strideW(),
                window.padH(), window.padW(), 1, 1, false);
    }

    /** Rows of a phase plane. */
    public int phaseHeight() {
        return phaseHeight;
    }

    /** Columns of a phase plane: output row {@code oh} is GEMM columns {@code [oh · phaseWidth, + OW)}. */
    public int phaseWidth() {
        return phaseWidth;
    }

    /** Columns of the GEMM, {@code (OH − 1) · phaseWidth + OW}. */
    public int width() {
        return (outHeight - 1) * phaseWidth + outWidth;
    }

    /** Floats of the buffer for one image (all channels). */
    public long bufferElements() {
        return (long) input.dim(1) * window.strideH() * window.strideW() * phaseHeight * phaseWidth;
    }

    /**
     * The byte offset in the buffer of each row of group {@code group}'s column matrix, row
     * {@code (c·KH + kh)·KW + kw} as in {@link Im2col}: an array of {@code C/groups·KH·KW} entries for
     * {@link Sgemm#sgemm(Sgemm.PackedA, MemorySegment, long[], int, float, MemorySegment, long, int)}. Computed once
     * per convolution, not per call.
     */
    public long[] rowByteOffsets(int group) {
        Objects.checkIndex(group, groups);
        int groupChannels = input.dim(1) / groups;
        int sh = window.strideH();
        int sw = window.strideW();
        long plane = (long) phaseHeight * phaseWidth;
        long[] offsets = new long[groupChannels * window.kernelH() * window.kernelW()];
        int row = 0;
        for (int c = 0; c < groupChannels; c++) {
            long channelBase = (long) (group * groupChannels + c) * sh * sw * plane;
            for (int kh = 0; kh < window.kernelH(); kh++) {
                int tapH = kh * window.dilationH();
                for (int kw = 0; kw < window.kernelW(); kw++) {
                    int tapW = kw * window.dilationW();
                    long phase = (long) (tapH % sh) * sw + tapW % sw;
                    long element = channelBase + phase * plane + (long) (tapH / sh) * phaseWidth + tapW / sw;
                    offsets[row++] = element * Float.BYTES;
                }
            }
        }
        return offsets;
    }

    /**
     * Writes image {@code n} of {@code input} into {@code buffer} (every one of its {@link #bufferElements()} floats),
     * split over channels with {@link Parallel}.
     */
    public void fill(Tensor input, int n, MemorySegment buffer) {
        if (!input.shape().equals(this.input)) {
            throw new IllegalArgumentException("conv2d: input must be " + this.input + ", got " + input.shape());
        }
        Objects.checkIndex(n, this.input.dim(0));
        input.requireDType(DType.F32, "conv2d: input");
        if (buffer.byteSize() < bufferElements() * Float.BYTES) {
            throw new IllegalArgumentException("conv2d: the shifted-columns buffer holds " + buffer.byteSize() / Float.BYTES
                    + " floats, needs " + bufferElements());
        }
        MemorySegment x = input.segment("conv2d: input");
        TensorChecks.requireDisjoint(buffer, "conv2d: shifted-columns buffer", x, "input");
        int channels = this.input.dim(1);
        int height = this.input.dim(2);
        int inWidth = this.input.dim(3);
        long plane = (long) height * inWidth;
        long phasePlane = (long) phaseHeight * phaseWidth;
        int phases = window.strideH() * window.strideW();
        long imageOffset = (long) n * channels * plane;
        int channelsPerTask = Math.max(1, (int) Math.min(channels, (1 << 15) / Math.max(1, phases * phasePlane)));
        Parallel.forEach(Math.ceilDiv(channels, channelsPerTask), (task, worker) -> {
            int first = task * channelsPerTask;
            int count = Math.min(channelsPerTask, channels - first);
            KERNELS.im2col(x, imageOffset + first * plane, count, height, inWidth, phaseWindow, phaseHeight,
                    phaseWidth, buffer, first * phases * phasePlane, phasePlane);
        });
    }
}
