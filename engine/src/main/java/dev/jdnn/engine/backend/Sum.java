package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.Tensor;
import java.util.List;

/**
 * A scaled sum compiled for one {@link SumSpec}. Owned by the {@link Backend} that compiled it; one thread at a time.
 */
public interface Sum {

    SumSpec spec();

    /**
     * {@code output = Σ scales[i] · inputs[i]}, element by element, the terms added in input order. The output may be
     * the first input itself (in place: a residual {@code x += shortcut}), otherwise it must not overlap any input.
     * The inputs may overlap one another (the same tensor twice is fine).
     */
    void run(List<Tensor> inputs, Tensor output);
}
