package dev.jdnn.engine.backend;

/** What a {@link Pool2d} computes over each window, as PyTorch's {@code MaxPool2d} and {@code AvgPool2d}. */
public enum PoolingMode {
    /** The largest element of the window; padding is never selected ({@code MaxPool2d}). */
    MAX,
    /**
     * The window's mean, dividing by the number of its taps inside the padded input
     * ({@code AvgPool2d(count_include_pad=True)}: padding counts, a ceil-mode overhang past the padding does not).
     */
    AVG_INCLUDE_PAD,
    /** The window's mean over the input elements in it ({@code AvgPool2d(count_include_pad=False)}). */
    AVG_EXCLUDE_PAD;

    /** Whether this is one of the averages. */
    public boolean isAverage() {
        return this != MAX;
    }
}
