package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.Tensor;
import java.util.List;

/**
 * A concatenation compiled for one {@link ConcatSpec}: f32 tensors in the plain (row-major) layout of the spec's
 * shapes. Owned by the {@link Backend} that compiled it; one thread at a time.
 */
public interface Concat {

    ConcatSpec spec();

    /**
     * Writes the inputs, in order, side by side along the spec's axis into {@code output}. The output must not overlap
     * any input.
     */
    void forward(List<Tensor> inputs, Tensor output);

    /**
     * The gradient of {@link #forward}, a split: each {@code gradInputs[i]} is overwritten with its slice of
     * {@code gradOutput} along the axis. No gradient may overlap another or {@code gradOutput}.
     */
    void backward(Tensor gradOutput, List<Tensor> gradInputs);
}
