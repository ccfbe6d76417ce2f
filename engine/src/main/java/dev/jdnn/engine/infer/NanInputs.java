package dev.jdnn.engine.infer;

/**
 * What an inference session does with an input holding NaN. A NaN pixel poisons every output it reaches (a
 * convolution spreads it to every channel, a classifier head to every class), so a service usually wants to know.
 */
public enum NanInputs {
    /**
     * Refuse it: {@link InferenceSession#run} throws {@link NanInputException} naming the first NaN's position
     * and computes nothing. Costs one vectorized scan of the input per call (memory-bound: about 10 µs for a 224×224
     * image). The default.
     */
    REJECT,
    /** Compute on it like any other value, as PyTorch does: the outputs it reaches are NaN. */
    PASS_THROUGH
}
