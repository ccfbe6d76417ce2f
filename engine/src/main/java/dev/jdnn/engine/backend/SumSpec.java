package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.Shape;
import java.util.List;

/**
 * A scaled element-wise sum {@code y = Σ scales[i] · x[i]} of tensors of one shape (ResNet's and DenseNet's residual
 * additions: two inputs, scales 1). One scale per input, at least two inputs. The scales are a list, not an array, so
 * that equal specs are equal keys of the backend's cache.
 *
 * @param shape  every input's and the output's shape
 * @param scales one per input (copied, immutable); any finite value
 */
public record SumSpec(Shape shape, List<Float> scales) {

    public SumSpec {
        if (shape == null) {
            throw new IllegalArgumentException("sum: shape is null");
        }
        if (scales == null) {
            throw new IllegalArgumentException("sum: the list of scales is null");
        }
        scales = List.copyOf(scales); // also refuses null elements
        if (scales.size() < 2) {
            throw new IllegalArgumentException("sum: needs at least 2 inputs (one scale each), got " + scales.size());
        }
        for (int i = 0; i < scales.size(); i++) {
            if (!Float.isFinite(scales.get(i))) {
                throw new IllegalArgumentException("sum: scale " + i + " must be finite, got " + scales.get(i));
            }
        }
    }

    /** {@code count} inputs of {@code shape}, every scale 1: a plain sum. */
    public static SumSpec plain(Shape shape, int count) {
        if (count < 2) {
            throw new IllegalArgumentException("sum: needs at least 2 inputs (one scale each), got " + count);
        }
        return new SumSpec(shape, java.util.Collections.nCopies(count, 1f));
    }

    /** How many inputs a run takes. */
    public int inputCount() {
        return scales.size();
    }
}
