package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.Shape;
import java.util.Objects;

/**
 * Local response normalization across channels, as PyTorch's {@code nn.LocalResponseNorm(size, alpha, beta, k)} on an
 * input {@code (N, C, H, W)}: {@code b_c = a_c / (k + alpha/size · Σ a_c'²)^beta} over the channels
 * {@code c' ∈ [c - size/2, c + (size-1)/2]} that exist (integer division: an even size reaches one further back).
 * AlexNet uses {@code size 5, alpha 1e-4, beta 0.75, k 2}.
 */
public record LrnSpec(Shape input, int size, float alpha, float beta, float k) {

    public LrnSpec {
        Objects.requireNonNull(input, "lrn: input shape");
        input.requireRank(4, "lrn: input", "N, C, H, W");
        if (size <= 0) {
            throw new IllegalArgumentException("lrn: size must be positive, got " + size);
        }
        if (!Float.isFinite(alpha) || !Float.isFinite(beta) || !Float.isFinite(k)) {
            throw new IllegalArgumentException("lrn: alpha, beta and k must be finite, got alpha=" + alpha + ", beta="
                    + beta + ", k=" + k);
        }
        if (!(k > 0) || alpha < 0) {
            throw new IllegalArgumentException("lrn: k must be positive and alpha non-negative (so the base k + "
                    + "alpha/size·Σa² stays positive), got k=" + k + ", alpha=" + alpha);
        }
    }

    /** PyTorch's defaults: {@code alpha 1e-4, beta 0.75, k 1}. */
    public static LrnSpec of(Shape input, int size) {
        return new LrnSpec(input, size, 1e-4f, 0.75f, 1f);
    }

    /** The first channel of channel {@code c}'s window before clipping: {@code c - size/2}. */
    public int windowBefore() {
        return size / 2;
    }

    /** How far channel {@code c}'s window reaches forward: {@code (size-1)/2}. */
    public int windowAfter() {
        return (size - 1) / 2;
    }
}
