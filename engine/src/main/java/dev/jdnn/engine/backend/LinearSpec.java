package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.Shape;

/**
 * A fully connected layer ({@code torch.nn.Linear}, oneDNN's inner product) for one batch size:
 * {@code y (N, out) = x (N, in) · Wᵀ + b} with the weight {@code (out, in)} as PyTorch stores it. Backends compile one
 * {@link Linear} per spec and reuse it.
 */
public record LinearSpec(int batch, int inFeatures, int outFeatures, boolean bias) {

    public LinearSpec {
        if (batch <= 0) {
            throw new IllegalArgumentException("linear: batch must be positive, got " + batch);
        }
        if (inFeatures <= 0) {
            throw new IllegalArgumentException("linear: in features must be positive, got " + inFeatures);
        }
        if (outFeatures <= 0) {
            throw new IllegalArgumentException("linear: out features must be positive, got " + outFeatures);
        }
    }

    /** {@code (N, in)}. */
    public Shape inputShape() {
        return Shape.of(batch, inFeatures);
    }

    /** {@code (out, in)}. */
    public Shape weightShape() {
        return Shape.of(outFeatures, inFeatures);
    }

    /** {@code (out)}. */
    public Shape biasShape() {
        return Shape.of(outFeatures);
    }

    /** {@code (N, out)}. */
    public Shape outputShape() {
        return Shape.of(batch, outFeatures);
    }

    /** Multiply-accumulates of one forward pass: {@code N·in·out}. */
    public long macs() {
        return (long) batch * inFeatures * outFeatures;
    }
}
