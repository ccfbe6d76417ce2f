package dev.jdnn.bench.conv;

import dev.jdnn.bench.SpotCheck;
import dev.jdnn.engine.backend.Conv2dSpec;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * The tensors of one benchmarked convolution, filled from a seed with values in [-0.5, 0.5), and a spot check of the
 * output against the formula computed in double. With a sum post-op the output is also an input (the residual):
 * {@link #resetOutput()} puts the same residual back before a checked run.
 */
public final class ConvOperands implements AutoCloseable {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
    private static final int CHECKED_ELEMENTS = 48;

    private final Conv2dSpec spec;
    private final Tensor input;    // (N, C, H, W)
    private final Tensor weight;   // (OC, C, KH, KW)
    private final Tensor bias;     // (OC), null without bias
    private final Tensor output;   // (N, OC, OH, OW)
    private final Tensor residual; // (N, OC, OH, OW): what the output holds before a checked run

    public ConvOperands(Conv2dSpec spec, long seed) {
        if (spec.groups() != 1) {
            throw new IllegalArgumentException("conv benchmark operands: groups must be 1, got " + spec.groups());
        }
        this.spec = spec;
        SplittableRandom random = new SplittableRandom(seed);
        Tensor[] tensors = new Tensor[5];
        try {
            tensors[0] = random(spec.input(), random);
            tensors[1] = random(spec.weightShape(), random);
            tensors[2] = spec.bias() ? random(spec.biasShape(), random) : null;
            tensors[3] = Tensor.allocate(spec.outputShape(), DType.F32);
            tensors[4] = random(spec.outputShape(), random);
        } catch (RuntimeException | OutOfMemoryError e) {
            for (Tensor t : tensors) {
                if (t != null) {
                    t.close();
                }
            }
            throw e;
        }
        input = tensors[0];
        weight = tensors[1];
        bias = tensors[2];
        output = tensors[3];
        residual = tensors[4];
        resetOutput();
    }

    private static Tensor random(Shape shape, SplittableRandom random) {
        Tensor tensor = Tensor.allocate(shape, DType.F32);
        MemorySegment segment = tensor.segment();
        for (long i = 0, n = shape.elementCount(); i < n; i++) {
            segment.setAtIndex(FLOAT, i, (float) (random.nextDouble() - 0.5));
        }
        return tensor;
    }

    public Conv2dSpec spec() {
        return spec;
    }

    public Tensor input() {
        return input;
    }

    public Tensor weight() {
        return weight;
    }

    /** The bias, or {@code null} when the spec has none. */
    public Tensor bias() {
        return bias;
    }

    public Tensor output() {
        return output;
    }

    /** Puts the residual back into the output (what a sum post-op adds to). */
    public void resetOutput() {
        output.copyFrom(residual);
    }

    /**
     * Compares {@value #CHECKED_ELEMENTS} output elements (the first, the last, the rest spread at random) with the
     * convolution computed in double from the inputs and the residual, within {@link SpotCheck}'s f32 bound for a
     * sum of {@code C·KH·KW} products plus the bias and the residual (ReLU cannot widen a difference). Call after
     * {@link #resetOutput()} and exactly one run.
     *
     * @throws IllegalStateException naming {@code implementation} and the first wrong element
     */
    public void check(String implementation) {
        Shape out = spec.outputShape();
        SplittableRandom random = new SplittableRandom(out.elementCount());
        MemorySegment x = input.segment();
        MemorySegment w = weight.segment();
        MemorySegment y = output.segment();
        MemorySegment r = residual.segment();
        Window2d window = spec.window();
        int channels = spec.input().dim(1);
        int height = spec.input().dim(2);
        int width = spec.input().dim(3);
        boolean sum = spec.postOp() == PostOp.SUM || spec.postOp() == PostOp.SUM_RELU;
        boolean relu = spec.postOp() == PostOp.RELU || spec.postOp() == PostOp.SUM_RELU;
        for (int sample = 0; sample < CHECKED_ELEMENTS; sample++) {
            long index = sample == 0 ? 0 : sample == 1 ? out.elementCount() - 1 : random.nextLong(out.elementCount());
            int ox = (int) (index % out.dim(3));
            int oy = (int) (index / out.dim(3) % out.dim(2));
            int oc = (int) (index / ((long) out.dim(3) * out.dim(2)) % out.dim(1));
            int n = (int) (index / ((long) out.dim(3) * out.dim(2) * out.dim(1)));
            double value = bias == null ? 0 : bias.segment().getAtIndex(FLOAT, oc);
            double magnitude = Math.abs(value);
            for (int c = 0; c < channels; c++) {
                for (int ky = 0; ky < window.kernelH(); ky++) {
                    int iy = oy * window.strideH() - window.padH() + ky * window.dilationH();
                    for (int kx = 0; kx < window.kernelW(); kx++) {
                        int ix = ox * window.strideW() - window.padW() + kx * window.dilationW();
                        if (iy < 0 || iy >= height || ix < 0 || ix >= width) {
                            continue;
                        }
                        double term = (double) x.getAtIndex(FLOAT, ((long) (n * channels + c) * height + iy) * width + ix)
                                * w.getAtIndex(FLOAT, ((long) (oc * channels + c) * window.kernelH() + ky)
                                        * window.kernelW() + kx);
                        value += term;
                        magnitude += Math.abs(term);
                    }
                }
            }
            if (sum) {
                double previous = r.getAtIndex(FLOAT, index);
                value += previous;
                magnitude += Math.abs(previous);
            }
            if (relu) {
                value = Math.max(value, 0);
            }
            SpotCheck.requireClose(implementation, "output(" + n + ", " + oc + ", " + oy + ", " + ox + ") of conv "
                    + spec, y.getAtIndex(FLOAT, index), value, (long) channels * window.kernelH() * window.kernelW() + 2,
                    magnitude);
        }
    }

    @Override
    public void close() {
        input.close();
        weight.close();
        if (bias != null) {
            bias.close();
        }
        output.close();
        residual.close();
    }
}
