package dev.jdnn.engine.autograd;

/**
 * The two modes of a forward pass, as scoped values (never global switches): whether ops record for backward
 * ({@link #noGrad}) and whether layers behave as in training — batch statistics and running-average updates in batch
 * norm, dropout active — or as in evaluation ({@link #eval}). Both hold for the calling thread inside the call only.
 * The defaults are PyTorch's: gradients on, training mode.
 */
public final class Autograd {

    private static final ScopedValue<Boolean> GRAD_ENABLED = ScopedValue.newInstance();
    private static final ScopedValue<Boolean> TRAINING = ScopedValue.newInstance();

    private Autograd() {
    }

    /** Whether ops record themselves for backward here. */
    public static boolean isGradEnabled() {
        return GRAD_ENABLED.orElse(Boolean.TRUE);
    }

    /** Whether layers run in training mode here. */
    public static boolean isTraining() {
        return TRAINING.orElse(Boolean.TRUE);
    }

    /** Runs {@code body} without recording ops (no gradients; saved activations are not kept). */
    public static <T, X extends Throwable> T noGrad(ScopedValue.CallableOp<T, X> body) throws X {
        return ScopedValue.where(GRAD_ENABLED, Boolean.FALSE).call(body);
    }

    /** Runs {@code body} in evaluation mode and without recording: how a model is evaluated or used for inference. */
    public static <T, X extends Throwable> T eval(ScopedValue.CallableOp<T, X> body) throws X {
        return ScopedValue.where(TRAINING, Boolean.FALSE).where(GRAD_ENABLED, Boolean.FALSE).call(body);
    }

    /** Runs {@code body} in training mode (the default; for use inside {@link #eval}). */
    public static <T, X extends Throwable> T train(ScopedValue.CallableOp<T, X> body) throws X {
        return ScopedValue.where(TRAINING, Boolean.TRUE).call(body);
    }
}
