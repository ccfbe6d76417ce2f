package dev.jdnn.engine.kernel;

import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;
import java.lang.foreign.MemorySegment;

/**
 * Local response normalization across channels of f32 {@code (N, C, H, W)} tensors, as PyTorch's
 * {@code nn.LocalResponseNorm(size, alpha, beta, k)}: {@code y_c = x_c / (k + alpha/size · Σ x_c'²)^beta} over
 * {@code c' ∈ [c - size/2, c + (size-1)/2]} ∩ {@code [0, C)}, and its gradient.
 *
 * <p>Work is split into tasks of one image's range of pixels with all its channels (about 16K elements), so a task's
 * windows never leave it. Outputs are overwritten and must not share memory with inputs.
 */
public final class Lrn {

    // Scalar only for now (AlexNet-era layers: a small share of any model's time). A SimdLrnKernels would be loaded
    // with Vectorization.load; naming a class that does not exist here made every JVM warn about the Vector API.
    private static final LrnKernels KERNELS = new ScalarLrnKernels();

    /** Roughly how many elements one parallel task handles. */
    private static final long TASK_ELEMENTS = 1 << 14;

    /** Pixel ranges are cut at multiples of this, so only an image's last range has a partial vector. */
    private static final int PIXEL_ALIGNMENT = 16;

    private Lrn() {
    }

    /** {@code y = lrn(x)}. */
    public static void forward(Tensor x, int size, float alpha, float beta, float k, Tensor y) {
        final String op = "lrn";
        MemorySegment xs = TensorChecks.f32Memory(x, op + ": x");
        MemorySegment ys = TensorChecks.f32Memory(y, op + ": y");
        x.shape().requireRank(4, op + ": x", "N, C, H, W");
        y.shape().requireEqual(x.shape(), op + ": y");
        TensorChecks.requireDisjoint(ys, op + ": y", xs, "x");
        requireParameters(op, size, alpha, beta, k);
        split(x, (imageOffset, channels, planeSize, pixelFrom, pixelCount) ->
                KERNELS.forward(xs, ys, imageOffset, channels, planeSize, pixelFrom, pixelCount, size / 2,
                        (size - 1) / 2, alpha / size, beta, k));
    }

    /** {@code dx} = the gradient of {@link #forward} at {@code x} given {@code dy} (overwritten). */
    public static void backward(Tensor x, Tensor dy, int size, float alpha, float beta, float k, Tensor dx) {
        final String op = "lrn backward";
        MemorySegment xs = TensorChecks.f32Memory(x, op + ": x");
        MemorySegment dys = TensorChecks.f32Memory(dy, op + ": dy");
        MemorySegment dxs = TensorChecks.f32Memory(dx, op + ": dx");
        x.shape().requireRank(4, op + ": x", "N, C, H, W");
        dy.shape().requireEqual(x.shape(), op + ": dy");
        dx.shape().requireEqual(x.shape(), op + ": dx");
        TensorChecks.requireDisjoint(dxs, op + ": dx", xs, "x");
        TensorChecks.requireDisjoint(dxs, op + ": dx", dys, "dy");
        requireParameters(op, size, alpha, beta, k);
        split(x, (imageOffset, channels, planeSize, pixelFrom, pixelCount) ->
                KERNELS.backward(xs, dys, dxs, imageOffset, channels, planeSize, pixelFrom, pixelCount, size / 2,
                        (size - 1) / 2, alpha / size, beta, k, new float[channels * pixelCount]));
    }

    @FunctionalInterface
    private interface PixelRange {
        void run(long imageOffset, int channels, int planeSize, int pixelFrom, int pixelCount);
    }

    /** Runs {@code body} over every image's pixels in ranges of about {@link #TASK_ELEMENTS} elements. */
    private static void split(Tensor x, PixelRange body) {
        int images = x.dim(0);
        int channels = x.dim(1);
        int planeSize = Math.multiplyExact(x.dim(2), x.dim(3));
        long wanted = Math.max(PIXEL_ALIGNMENT, TASK_ELEMENTS / channels / PIXEL_ALIGNMENT * PIXEL_ALIGNMENT);
        int pixelsPerTask = (int) Math.min(planeSize, wanted);
        int rangesPerImage = Math.ceilDiv(planeSize, pixelsPerTask);
        long imageSize = (long) channels * planeSize;
        Parallel.forEach(Math.multiplyExact(images, rangesPerImage), (task, worker) -> {
            int image = task / rangesPerImage;
            int pixelFrom = task % rangesPerImage * pixelsPerTask;
            body.run(image * imageSize, channels, planeSize, pixelFrom, Math.min(pixelsPerTask, planeSize - pixelFrom));
        });
    }

    private static void requireParameters(String op, int size, float alpha, float beta, float k) {
        if (size <= 0) {
            throw new IllegalArgumentException(op + ": size must be positive, got " + size);
        }
        if (!(k > 0) || !(alpha >= 0) || !Float.isFinite(k) || !Float.isFinite(alpha) || !Float.isFinite(beta)) {
            throw new IllegalArgumentException(op + ": k must be positive, alpha non-negative and beta finite, got k="
                    + k + ", alpha=" + alpha + ", beta=" + beta);
        }
    }
}
