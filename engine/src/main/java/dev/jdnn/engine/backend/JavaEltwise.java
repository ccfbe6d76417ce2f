package dev.jdnn.engine.backend;

import dev.jdnn.engine.kernel.Activations;
import dev.jdnn.engine.tensor.Tensor;

/** An activation on the Java kernels ({@link Activations}, vectorized); holds nothing, so nothing to close. */
final class JavaEltwise implements Eltwise {

    private final EltwiseSpec spec;

    JavaEltwise(EltwiseSpec spec) {
        this.spec = spec;
    }

    @Override
    public EltwiseSpec spec() {
        return spec;
    }

    @Override
    public void forward(Tensor input, Tensor output) {
        EltwiseArguments.checkForward(spec, input, output);
        Activations.forward(spec.function(), input, output);
    }

    @Override
    public void backward(Tensor input, Tensor output, Tensor gradOutput, Tensor gradInput) {
        EltwiseArguments.checkBackward(spec, input, output, gradOutput, gradInput);
        Activations.backward(spec.function(), input, output, gradOutput, gradInput);
    }
}
