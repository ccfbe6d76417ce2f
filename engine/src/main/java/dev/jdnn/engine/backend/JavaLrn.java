package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;

/**
 * LRN on the Java kernels ({@link dev.jdnn.engine.kernel.Lrn}); the backward pass recomputes its sums from the input,
 * so there is no workspace.
 */
final class JavaLrn implements Lrn {

    private final LrnSpec spec;

    JavaLrn(LrnSpec spec) {
        this.spec = spec;
    }

    @Override
    public LrnSpec spec() {
        return spec;
    }

    @Override
    public Shape workspaceShape() {
        return null;
    }

    @Override
    public void forward(Tensor input, Tensor output) {
        PoolingArguments.checkForward(spec, input, output);
        dev.jdnn.engine.kernel.Lrn.forward(input, spec.size(), spec.alpha(), spec.beta(), spec.k(), output);
    }

    @Override
    public void forwardTraining(Tensor input, Tensor output, Tensor workspace) {
        PoolingArguments.checkForward(spec, input, output);
        PoolingArguments.checkWorkspace(null, workspace, "lrn: workspace");
        dev.jdnn.engine.kernel.Lrn.forward(input, spec.size(), spec.alpha(), spec.beta(), spec.k(), output);
    }

    @Override
    public void backward(Tensor input, Tensor gradOutput, Tensor workspace, Tensor gradInput) {
        PoolingArguments.checkBackward(spec, input, gradOutput, gradInput);
        PoolingArguments.checkWorkspace(null, workspace, "lrn backward: workspace");
        dev.jdnn.engine.kernel.Lrn.backward(input, gradOutput, spec.size(), spec.alpha(), spec.beta(), spec.k(),
                gradInput);
    }
}
