package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.Tensor;

/**
 * An element-wise activation compiled for one {@link EltwiseSpec}: every tensor has the spec's shape (f32, contiguous).
 * Owned by the {@link Backend} that compiled it; one thread at a time.
 *
 * <p>In place, as PyTorch's {@code inplace=True}: {@code output} may be the very same tensor (or an identical view) as
 * {@code input}, and {@code gradInput} the same as {@code gradOutput}. An output that partly overlaps an input is
 * refused.
 */
public interface Eltwise {

    EltwiseSpec spec();

    /** {@code output = f(input)}. */
    void forward(Tensor input, Tensor output);

    /**
     * {@code gradInput = gradOutput * f'(x)}, overwriting {@code gradInput}. Pass the forward's {@code input} and
     * {@code output} as {@link dev.jdnn.engine.kernel.Activations#backward} takes them: the gradient of ReLU, Tanh
     * and Sigmoid is computed from the output, that of SiLU, Hardswish and Hardsigmoid from the input
     * ({@link dev.jdnn.engine.kernel.Activation#gradientFromOutput()}); the one not used may be {@code null}, which is
     * what lets a forward run in place (its input is gone) and still be differentiated for the first three.
     *
     * <p>Both backends follow PyTorch away from the breakpoints; at Hardswish's breakpoints and at NaN inputs they
     * take different (each defensible) conventions: see {@code OneDnnEltwise}.
     */
    void backward(Tensor input, Tensor output, Tensor gradOutput, Tensor gradInput);
}
