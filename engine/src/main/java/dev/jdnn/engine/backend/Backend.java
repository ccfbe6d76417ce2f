package dev.jdnn.engine.backend;

/**
 * One implementation of the engine's primitives: the Java kernels ({@link JavaBackend}) or oneDNN
 * ({@code dev.jdnn.engine.onednn.OneDnnBackend}). Both give the same answers within the project's tolerances.
 *
 * <p>Operations are compiled once per spec (shapes and attributes) and cached: asking twice for the same spec returns
 * the same object, so a layer may ask on every call. The backend owns what it compiled; {@link #close()} frees all of
 * it, and an operation must not be used after its backend closed. A backend and its operations are used from one
 * thread at a time (oneDNN's run on one stream); give each caller thread its own backend.
 *
 * <p>Tensors are f32 in PyTorch's plain layouts: activations {@code (N, C, H, W)}, convolution weights
 * {@code (OC, C/groups, KH, KW)}; {@link #reorder} converts to and from NHWC and bf16, and the inference forward of
 * convolution and pooling also takes NHWC specs ({@link Conv2dSpec#inputFormat()}, {@link Pool2dSpec#format()}).
 * Backward operations overwrite their outputs (they do not accumulate). Where oneDNN has no implementation for a spec, or its answer
 * would differ from PyTorch's, the oneDNN backend runs that operation on the Java kernels (said at debug level).
 */
public interface Backend extends AutoCloseable {

    /** {@code java} or {@code onednn}. */
    String name();

    /**
     * Whether this backend's convolutions and poolings run on channels-last (NHWC) tensors natively, so that an
     * inference pass should keep activations in NHWC between them (oneDNN: its convolutions pick NHWC on AVX-512 and
     * would otherwise reorder at every layer). Both backends accept NHWC specs; where this is false they transpose.
     */
    default boolean prefersChannelsLast() {
        return false;
    }

    /** The forward convolution for {@code spec}. */
    Conv2dForward conv2dForward(Conv2dSpec spec);

    /** The element-wise activation for {@code spec}, forward and backward. */
    Eltwise eltwise(EltwiseSpec spec);

    /** The fully connected layer (inner product) for {@code spec}, forward and backward. */
    Linear linear(LinearSpec spec);

    /**
     * The backward passes (data, weights and bias) of the convolution for {@code spec}.
     *
     * @throws IllegalArgumentException when the spec's post-op is not {@link PostOp#NONE}
     */
    Conv2dBackward conv2dBackward(Conv2dSpec spec);

    /** Max or average pooling (forward, training forward, backward) for {@code spec}. */
    Pool2d pool2d(Pool2dSpec spec);

    /** Local response normalization across channels (forward, training forward, backward) for {@code spec}. */
    Lrn lrn(LrnSpec spec);

    /** The 2-D batch normalization (inference, training forward and backward) for {@code spec}. */
    BatchNorm2d batchNorm2d(BatchNormSpec spec);

    /** The concatenation (and its gradient, the split) for {@code spec}. */
    Concat concat(ConcatSpec spec);

    /** The scaled element-wise sum for {@code spec}. */
    Sum sum(SumSpec spec);

    /** The layout (NCHW/NHWC) and type (f32/bf16) conversion for {@code spec}. */
    Reorder reorder(ReorderSpec spec);

    /** Frees every operation this backend compiled; idempotent. */
    @Override
    void close();
}
