package dev.jdnn.engine.nn;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;

/** {@code torch.nn.AdaptiveAvgPool2d((OH, OW))}: PyTorch's windows; {@code (1, 1)} is global average pooling. */
public final class AdaptiveAvgPool2d extends Module {

    private final int outputHeight;
    private final int outputWidth;

    public AdaptiveAvgPool2d(int outputHeight, int outputWidth) {
        if (outputHeight <= 0 || outputWidth <= 0) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d: output size must be positive, got (" + outputHeight
                    + ", " + outputWidth + ")");
        }
        this.outputHeight = outputHeight;
        this.outputWidth = outputWidth;
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        return Functional.adaptiveAvgPool2d(x, outputHeight, outputWidth);
    }
}
