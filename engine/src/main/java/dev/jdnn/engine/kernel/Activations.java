package dev.jdnn.engine.kernel;

import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Element-wise operations on f32 tensors: activations and their gradients, sums and products, and the per-channel
 * affine map of batch norm in inference form. Each entry checks its arguments once, then splits the work into chunks
 * of about 16K elements (or whole planes) run by {@link Parallel#forEach}.
 *
 * <p>An output may be the very same tensor (or an identical view) as an input, which runs the op in place; an output
 * that partly overlaps an input is refused.
 */
public final class Activations {

    /** Elements per parallel task: large enough to amortize a hand-off, small enough to spread over the workers. */
    static final int CHUNK_ELEMENTS = 16 * 1024;

    private static final ActivationKernels KERNELS =
            Vectorization.load(ActivationKernels.class, "SimdActivationKernels", ScalarActivationKernels::new);

    private Activations() {
    }

    /** {@code y = f(x)}, element by element; {@code y} may be {@code x} (in place). */
    public static void forward(Activation f, Tensor x, Tensor y) {
        Objects.requireNonNull(f, "activation");
        String op = f.moduleName();
        MemorySegment xs = checked(x, op + ": x");
        requireSameShape(y, op + ": y", x);
        MemorySegment ys = checked(y, op + ": y");
        TensorChecks.requireSameOrDisjoint(ys, op + ": y", xs, "x");
        forEachChunk(x.elementCount(), (offset, count) -> KERNELS.forward(f, xs, ys, offset, count));
    }

    /**
     * {@code dx = dy * f'(x)}, element by element. The gradient comes from the forward output {@code y} for ReLU,
     * Tanh and Sigmoid, and from the input {@code x} for SiLU, Hardswish and Hardsigmoid (see
     * {@link Activation#gradientFromOutput()}); the one not used may be {@code null}, so a forward run in place, which
     * keeps only {@code y}, can still be differentiated for the first three. {@code dx} may be {@code dy} (in place).
     */
    public static void backward(Activation f, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        Objects.requireNonNull(f, "activation");
        String op = f.moduleName() + " backward";
        MemorySegment dys = checked(dy, op + ": dy");
        requireSameShape(dx, op + ": dx", dy);
        MemorySegment dxs = checked(dx, op + ": dx");
        TensorChecks.requireSameOrDisjoint(dxs, op + ": dx", dys, "dy");
        MemorySegment xs = null;
        MemorySegment ys = null;
        if (x == null && !f.gradientFromOutput()) {
            throw new IllegalArgumentException(
                    op + ": x must be given (the gradient of " + f + " is computed from its input), got null");
        }
        if (y == null && f.gradientFromOutput()) {
            throw new IllegalArgumentException(
                    op + ": y must be given (the gradient of " + f + " is computed from its output), got null");
        }
        if (x != null) {
            requireSameShape(x, op + ": x", dy);
            xs = checked(x, op + ": x");
            TensorChecks.requireSameOrDisjoint(dxs, op + ": dx", xs, "x");
        }
        if (y != null) {
            requireSameShape(y, op + ": y", dy);
            ys = checked(y, op + ": y");
            TensorChecks.requireSameOrDisjoint(dxs, op + ": dx", ys, "y");
        }
        MemorySegment input = xs;
        MemorySegment output = ys;
        forEachChunk(dy.elementCount(), (offset, count) -> KERNELS.backward(f, input, output, dys, dxs, offset, count));
    }

    /**
     * {@code out = a + b} (same shapes; {@code out} may be {@code a} or {@code b}). Its gradient needs no kernel:
     * {@code da = db = dy}.
     */
    public static void add(Tensor a, Tensor b, Tensor out) {
        MemorySegment as = checked(a, "add: a");
        requireSameShape(b, "add: b", a);
        requireSameShape(out, "add: out", a);
        MemorySegment bs = checked(b, "add: b");
        MemorySegment outs = checked(out, "add: out");
        TensorChecks.requireSameOrDisjoint(outs, "add: out", as, "a");
        TensorChecks.requireSameOrDisjoint(outs, "add: out", bs, "b");
        forEachChunk(a.elementCount(), (offset, count) -> KERNELS.add(as, bs, outs, offset, count));
    }

    /** {@code out = a * b} element by element (same shapes; {@code out} may be {@code a} or {@code b}). */
    public static void multiply(Tensor a, Tensor b, Tensor out) {
        MemorySegment as = checked(a, "multiply: a");
        requireSameShape(b, "multiply: b", a);
        requireSameShape(out, "multiply: out", a);
        MemorySegment bs = checked(b, "multiply: b");
        MemorySegment outs = checked(out, "multiply: out");
        TensorChecks.requireSameOrDisjoint(outs, "multiply: out", as, "a");
        TensorChecks.requireSameOrDisjoint(outs, "multiply: out", bs, "b");
        forEachChunk(a.elementCount(), (offset, count) -> KERNELS.multiply(as, bs, outs, offset, count));
    }

    /**
     * The gradients of {@code out = a * b}: {@code da = dy * b} and {@code db = dy * a}. Either output may be
     * {@code null} when that gradient is not wanted, and each may be one of the inputs (in place), but not the other
     * output.
     */
    public static void multiplyBackward(Tensor a, Tensor b, Tensor dy, Tensor da, Tensor db) {
        final String op = "multiply backward";
        MemorySegment dys = checked(dy, op + ": dy");
        requireSameShape(a, op + ": a", dy);
        requireSameShape(b, op + ": b", dy);
        MemorySegment as = checked(a, op + ": a");
        MemorySegment bs = checked(b, op + ": b");
        MemorySegment das = da == null ? null : checkedOutput(da, op + ": da", dy, as, bs, dys);
        MemorySegment dbs = db == null ? null : checkedOutput(db, op + ": db", dy, as, bs, dys);
        if (das != null && dbs != null) {
            TensorChecks.requireDisjoint(dbs, op + ": db", das, "da");
        }
        forEachChunk(dy.elementCount(),
                (offset, count) -> KERNELS.multiplyBackward(as, bs, dys, das, dbs, offset, count));
    }

    /**
     * {@code y = x * scale[c] + shift[c]} for {@code x} of shape {@code (N, C, H, W)} or {@code (N, C)}: batch norm in
     * inference form, with {@code scale = γ / sqrt(var + ε)} and {@code shift = β - mean * scale}. {@code y} may be
     * {@code x}.
     *
     * @param x     {@code (N, C, H, W)} or {@code (N, C)}
     * @param scale {@code (C)}
     * @param shift {@code (C)}
     * @param y     same shape as {@code x}
     */
    public static void scaleShift(Tensor x, Tensor scale, Tensor shift, Tensor y) {
        final String op = "scaleShift";
        requireChannelRank(x, op + ": x");
        int channels = x.dim(1);
        requireChannelVector(scale, op + ": scale", channels);
        requireChannelVector(shift, op + ": shift", channels);
        requireSameShape(y, op + ": y", x);
        MemorySegment xs = checked(x, op + ": x");
        MemorySegment scales = checked(scale, op + ": scale");
        MemorySegment shifts = checked(shift, op + ": shift");
        MemorySegment ys = checked(y, op + ": y");
        TensorChecks.requireSameOrDisjoint(ys, op + ": y", xs, "x");
        TensorChecks.requireDisjoint(ys, op + ": y", scales, "scale");
        TensorChecks.requireDisjoint(ys, op + ": y", shifts, "shift");
        long planeSize = x.rank() == 4 ? x.shape().elementCountFrom(2) : 1;
        long planes = (long) x.dim(0) * channels;
        long planesPerTask = Math.max(1, CHUNK_ELEMENTS / planeSize);
        int tasks = Math.toIntExact((planes + planesPerTask - 1) / planesPerTask);
        Parallel.forEach(tasks, (task, worker) -> {
            long firstPlane = task * planesPerTask;
            KERNELS.scaleShift(xs, scales, shifts, ys, firstPlane, Math.min(planesPerTask, planes - firstPlane),
                    channels, planeSize);
        });
    }

    /**
     * The gradients of {@link #scaleShift}: {@code dx = dy * scale[c]}, {@code dscale[c] = Σ dy * x} and
     * {@code dshift[c] = Σ dy}, the sums over N, H and W. {@code dscale} and {@code dshift} are overwritten (not
     * accumulated into). {@code dx} may be {@code dy} or {@code x}. Work is split by channel, so no two tasks write the
     * same sum.
     *
     * @param x      {@code (N, C, H, W)} or {@code (N, C)}, the forward input
     * @param scale  {@code (C)}
     * @param dy     same shape as {@code x}
     * @param dx     same shape as {@code x}
     * @param dscale {@code (C)}
     * @param dshift {@code (C)}
     */
    public static void scaleShiftBackward(Tensor x, Tensor scale, Tensor dy, Tensor dx, Tensor dscale, Tensor dshift) {
        final String op = "scaleShift backward";
        requireChannelRank(x, op + ": x");
        int batch = x.dim(0);
        int channels = x.dim(1);
        requireChannelVector(scale, op + ": scale", channels);
        requireSameShape(dy, op + ": dy", x);
        requireSameShape(dx, op + ": dx", x);
        requireChannelVector(dscale, op + ": dscale", channels);
        requireChannelVector(dshift, op + ": dshift", channels);
        MemorySegment xs = checked(x, op + ": x");
        MemorySegment scales = checked(scale, op + ": scale");
        MemorySegment dys = checked(dy, op + ": dy");
        MemorySegment dxs = checked(dx, op + ": dx");
        MemorySegment dscales = checked(dscale, op + ": dscale");
        MemorySegment dshifts = checked(dshift, op + ": dshift");
        TensorChecks.requireSameOrDisjoint(dxs, op + ": dx", xs, "x");
        TensorChecks.requireSameOrDisjoint(dxs, op + ": dx", dys, "dy");
        TensorChecks.requireDisjoint(dxs, op + ": dx", scales, "scale");
        requireDisjointFromAll(dscales, op + ": dscale", xs, scales, dys, dxs);
        requireDisjointFromAll(dshifts, op + ": dshift", xs, scales, dys, dxs);
        TensorChecks.requireDisjoint(dshifts, op + ": dshift", dscales, "dscale");
        long planeSize = x.rank() == 4 ? x.shape().elementCountFrom(2) : 1;
        int channelsPerTask = (int) Math.max(1, CHUNK_ELEMENTS / (batch * planeSize));
        int tasks = (channels + channelsPerTask - 1) / channelsPerTask;
        Parallel.forEach(tasks, (task, worker) -> {
            int firstChannel = task * channelsPerTask;
            KERNELS.scaleShiftBackward(xs, scales, dys, dxs, dscales, dshifts, firstChannel,
                    Math.min(channelsPerTask, channels - firstChannel), batch, channels, planeSize);
        });
    }

    // ---- checks and splitting, shared with Softmax --------------------------------------------------------------

    /** A piece of an element-wise op: elements {@code [offset, offset + count)}. */
    @FunctionalInterface
    interface Chunk {
        void run(long offset, long count);
    }

    /** Runs {@code chunk} over {@code [0, count)} in pieces of {@link #CHUNK_ELEMENTS}, in parallel. */
    static void forEachChunk(long count, Chunk chunk) {
        int tasks = Math.toIntExact((count + CHUNK_ELEMENTS - 1) / CHUNK_ELEMENTS);
        Parallel.forEach(tasks, (task, worker) -> {
            long offset = (long) task * CHUNK_ELEMENTS;
            chunk.run(offset, Math.min(CHUNK_ELEMENTS, count - offset));
        });
    }

    /** The memory of an open f32 tensor; {@code what} names it in every message. */
    static MemorySegment checked(Tensor tensor, String what) {
        requireNonNull(tensor, what);
        tensor.requireDType(DType.F32, what);
        return tensor.segment(what);
    }

    static void requireSameShape(Tensor tensor, String what, Tensor like) {
        requireNonNull(tensor, what);
        tensor.shape().requireEqual(like.shape(), what);
    }

    /** {@code (N, C)} or {@code (N, C, H, W)}. */
    static void requireChannelRank(Tensor tensor, String what) {
        requireNonNull(tensor, what);
        if (tensor.rank() != 2 && tensor.rank() != 4) {
            throw new IllegalArgumentException(what + " must be (N, C) or (N, C, H, W), got " + tensor.shape());
        }
    }

    private static void requireChannelVector(Tensor tensor, String what, int channels) {
        requireNonNull(tensor, what);
        tensor.shape().requireEqual(Shape.of(channels), what);
    }

    private static MemorySegment checkedOutput(Tensor out, String what, Tensor like, MemorySegment a,
                                               MemorySegment b, MemorySegment dy) {
        requireSameShape(out, what, like);
        MemorySegment segment = checked(out, what);
        TensorChecks.requireSameOrDisjoint(segment, what, a, "a");
        TensorChecks.requireSameOrDisjoint(segment, what, b, "b");
        TensorChecks.requireSameOrDisjoint(segment, what, dy, "dy");
        return segment;
    }

    private static void requireDisjointFromAll(MemorySegment sum, String what, MemorySegment x, MemorySegment scale,
                                               MemorySegment dy, MemorySegment dx) {
        TensorChecks.requireDisjoint(sum, what, x, "x");
        TensorChecks.requireDisjoint(sum, what, scale, "scale");
        TensorChecks.requireDisjoint(sum, what, dy, "dy");
        TensorChecks.requireDisjoint(sum, what, dx, "dx");
    }

    /** Objects.requireNonNull without a message supplier: no capturing lambda per call (these run on every call). */
    static void requireNonNull(Tensor tensor, String what) {
        if (tensor == null) {
            throw new NullPointerException(what + " must not be null");
        }
    }
}
