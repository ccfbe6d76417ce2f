package dev.jdnn.engine.nn;

import dev.jdnn.engine.tensor.Tensor;
import java.util.SplittableRandom;

/** PyTorch's default initializations, drawn from a seeded generator so that a seed fixes every weight. */
final class Initializers {

    private Initializers() {
    }

    /** Uniform on {@code [-bound, bound)}. */
    static void uniform(Tensor tensor, double bound, SplittableRandom random) {
        float[] values = new float[Math.toIntExact(tensor.elementCount())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        tensor.copyFrom(values);
    }

    /**
     * {@code kaiming_uniform_(a=√5)} as {@code Conv2d} and {@code Linear} use it: bound {@code 1/√fan_in}; the bias
     * draws from the same bound.
     */
    static double defaultBound(long fanIn) {
        return 1.0 / Math.sqrt(fanIn);
    }
}
