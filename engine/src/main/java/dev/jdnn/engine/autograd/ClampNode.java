package dev.jdnn.engine.autograd;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * {@code torch.nn.Hardtanh(min, max)}: {@code y = min(max(x, min), max)}; {@code ReLU6} is {@code (0, 6)}. The
 * gradient is {@code dy} where {@code min < x < max} and 0 elsewhere (at the breakpoints too), as PyTorch's
 * {@code hardtanh_backward}; a NaN input stays NaN forward and passes no gradient. Plain scalar Java on contiguous
 * f32 memory, on any backend (the integrator may move it onto the backends' element-wise op, oneDNN's
 * {@code eltwise_clip_v2}).
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
        MemorySegment xs = contiguous(x.value(), "hardtanh: x");
        MemorySegment ys = contiguous(y.value(), "hardtanh: y");
        for (long i = 0, n = x.shape().elementCount(); i < n; i++) {
            float v = xs.getAtIndex(JAVA_FLOAT, i);
            // NaN compares false both ways and stays NaN, as in PyTorch.
            ys.setAtIndex(JAVA_FLOAT, i, v < min ? min : v > max ? max : v);
        }
        graph.record(new ClampNode(x, y, min, max));
        return y;
    }

    @Override
    void backward(Tensor gradOutput) {
        Variable x = inputs.get(0);
        x.accumulateGrad(gradInput -> {
            MemorySegment xs = contiguous(x.value(), "hardtanh backward: x");
            MemorySegment dys = contiguous(gradOutput, "hardtanh backward: dy");
            MemorySegment dxs = contiguous(gradInput, "hardtanh backward: dx");
            for (long i = 0, n = x.shape().elementCount(); i < n; i++) {
                float v = xs.getAtIndex(JAVA_FLOAT, i);
                dxs.setAtIndex(JAVA_FLOAT, i, v > min && v < max ? dys.getAtIndex(JAVA_FLOAT, i) : 0f);
            }
        });
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
