package dev.jdnn.engine.backend;

import dev.jdnn.engine.kernel.Pooling;
import dev.jdnn.engine.kernel.PoolingIndices;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;

/**
 * Pooling on the Java kernels ({@link Pooling}). Max pooling's workspace holds the argmax indices, one {@code int}
 * per output element (the in-plane position {@code h * W + w}); average pooling needs no workspace.
 */
final class JavaPool2d implements Pool2d {

    private final Pool2dSpec spec;
    private final Shape workspaceShape; // (bytes) of int indices for max pooling, null for average

    JavaPool2d(Pool2dSpec spec) {
        this.spec = spec;
        this.workspaceShape = spec.mode() == PoolingMode.MAX
                ? Shape.of(Math.toIntExact(PoolingIndices.byteSize(spec.input(), spec.outputShape())))
                : null;
    }

    @Override
    public Pool2dSpec spec() {
        return spec;
    }

    @Override
    public Shape workspaceShape() {
        return workspaceShape;
    }

    @Override
    public void forward(Tensor input, Tensor output) {
        PoolingArguments.checkForward(spec, input, output);
        if (spec.mode() == PoolingMode.MAX) {
            Pooling.maxPool2dForward(input, spec.window(), output, null);
        } else {
            Pooling.avgPool2dForward(input, spec.window(), spec.mode() == PoolingMode.AVG_INCLUDE_PAD, output);
        }
    }

    @Override
    public void forwardTraining(Tensor input, Tensor output, Tensor workspace) {
        PoolingArguments.requirePlain(spec, "the training forward pass");
        PoolingArguments.checkForward(spec, input, output);
        PoolingArguments.checkWorkspace(workspaceShape, workspace, "pool2d: workspace");
        if (spec.mode() == PoolingMode.MAX) {
            Pooling.maxPool2dForward(input, spec.window(), output, indices(workspace, "pool2d: workspace"));
        } else {
            Pooling.avgPool2dForward(input, spec.window(), spec.mode() == PoolingMode.AVG_INCLUDE_PAD, output);
        }
    }

    @Override
    public void backward(Tensor gradOutput, Tensor workspace, Tensor gradInput) {
        PoolingArguments.requirePlain(spec, "the backward pass");
        PoolingArguments.checkBackward(spec, gradOutput, gradInput);
        PoolingArguments.checkWorkspace(workspaceShape, workspace, "pool2d backward: workspace");
        if (spec.mode() == PoolingMode.MAX) {
            Pooling.maxPool2dBackward(gradOutput, indices(workspace, "pool2d backward: workspace"), gradInput);
        } else {
            Pooling.avgPool2dBackward(gradOutput, spec.window(), spec.mode() == PoolingMode.AVG_INCLUDE_PAD,
                    gradInput);
        }
    }

    /** The argmax indices kept in {@code workspace}'s memory. */
    private PoolingIndices indices(Tensor workspace, String what) {
        return PoolingIndices.view(workspace.segment(what), spec.input(), spec.outputShape());
    }
}
