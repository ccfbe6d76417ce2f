package dev.jdnn.engine.nn;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.kernel.Window2d;

/** {@code torch.nn.AvgPool2d(kernel_size, stride, padding, ceil_mode, count_include_pad)}. */
public final class AvgPool2d extends Module {

    private final Window2d window;
    private final boolean countIncludePad;

    public AvgPool2d(int kernelSize, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
        this.window = Window2d.square(kernelSize, stride, padding).withCeilMode(ceilMode);
        this.countIncludePad = countIncludePad;
    }

    /** No padding, floor mode (PyTorch's {@code count_include_pad=True} then has nothing to count). */
    public AvgPool2d(int kernelSize, int stride) {
        this(kernelSize, stride, 0, false, true);
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        return Functional.avgPool2d(x, window, countIncludePad);
    }
}
