package dev.jdnn.engine.autograd;

import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.backend.TensorFormat;
import dev.jdnn.engine.kernel.Clamp;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * {@code torch.nn.Hardtanh(min, max)}: {@code y = min(max(x, min), max)}; {@code ReLU6} is {@code (0, 6)}. The
 * gradient is {@code dy} where {@code min < x < max} and 0 elsewhere (at the breakpoints too), as PyTorch's
 * {@code hardtanh_backward}; a NaN input stays NaN forward and passes no gradient. On the Vector API kernels of
 * {@link Clamp} whatever the backend; in a fusing inference pass, ReLU6 after a convolution is the convolution's
 * {@link PostOp#RELU6} instead.
 *
 */
final class ClampNode extends Node {

    private final float min;
    private final float max;

    private ClampNode(Variable x, Variable y, float min, float max) {
        super(List.of(x), y);
        this.min = min;
        this.max = max;
    }

    /** {@code hardtanh(x, min, max)}; {@code min <= max}. */
    static Variable apply(Variable x, float min, float max) {
        if (!(min <= max)) {
            throw new IllegalArgumentException("hardtanh: min (" + min + ") must not exceed max (" + max + ")");
        }
        Graph graph = x.graph();
        Variable y = graph.output(x.shape(), x.requiresGrad());
        graph.traceLayer(name(min, max), y.shape(), 0);
        if (graph.isShapeOnly()) {
            return y;
        }
        PendingConv conv = x.pendingConv();
        if (min == 0f && max == 6f && graph.fusing() && conv != null && conv.acceptsActivation(PostOp.RELU6)) {
            y.defer(conv.withActivation(PostOp.RELU6));
            return y;
        }
        TensorFormat format = graph.elementwiseFormat(x);
        Tensor in = x.valueIn(format);
        Tensor out = y.writableIn(format);
        graph.compute(() -> Clamp.forward(in, min, max, out));
        graph.record(new ClampNode(x, y, min, max));
        return y;
    }

    @Override
    void backward(Tensor gradOutput) {
        Variable x = inputs.get(0);
        x.accumulateGrad(gradInput -> Clamp.backward(x.value(), gradOutput, min, max, gradInput));
    }

    static MemorySegment contiguous(Tensor tensor, String what) {
        MemorySegment memory = TensorChecks.f32Memory(tensor, what);
        if (!tensor.isContiguous()) {
            throw new IllegalArgumentException(what + " must be contiguous, got strides "
                    + java.util.Arrays.toString(tensor.strides()) + " for " + tensor.shape());
        }
        return memory;
    }

    private static String name(float min, float max) {
        return min == 0f && max == 6f ? "relu6" : "hardtanh " + min + " " + max;
    }

    @Override
    String name() {
        return name(min, max);
    }
}
