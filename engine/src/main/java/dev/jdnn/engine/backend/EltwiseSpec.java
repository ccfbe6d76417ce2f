package dev.jdnn.engine.backend;

import dev.jdnn.engine.kernel.Activation;
import dev.jdnn.engine.tensor.Shape;
import java.util.Objects;

/**
 * An element-wise activation ({@code torch.nn.ReLU}, {@code Tanh}, {@code Sigmoid}, {@code SiLU}, {@code Hardswish},
 * {@code Hardsigmoid}, as {@link Activation} defines them) on tensors of one shape, of any rank. Backends compile one
 * {@link Eltwise} per spec and reuse it.
 */
public record EltwiseSpec(Shape shape, Activation function) {

    public EltwiseSpec {
        Objects.requireNonNull(shape, "eltwise: shape must not be null");
        Objects.requireNonNull(function, "eltwise: function must not be null");
    }

    /** The operation's name in messages: {@code eltwise ReLU}. */
    public String name() {
        return "eltwise " + function.moduleName();
    }
}
