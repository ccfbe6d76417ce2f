package dev.jdnn.engine.nn;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.kernel.Window2d;

/** {@code torch.nn.MaxPool2d(kernel_size, stride, padding, dilation, ceil_mode)}. */
public final class MaxPool2d extends Module {

    private final Window2d window;

    /** Square window; stride defaults to the kernel size in PyTorch, pass it explicitly here. */
    public MaxPool2d(int kernelSize, int stride, int padding, boolean ceilMode) {
        this(Window2d.square(kernelSize, stride, padding).withCeilMode(ceilMode));
    }

    public MaxPool2d(int kernelSize, int stride) {
        this(kernelSize, stride, 0, false);
    }

    public MaxPool2d(Window2d window) {
        this.window = window;
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        return Functional.maxPool2d(x, window);
    }

    public Window2d window() {
        return window;
    }
}
