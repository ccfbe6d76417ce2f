package dev.jdnn.engine.testing;

import dev.jdnn.engine.tensor.Tensor;

/** Tensors in states tests need. */
public final class TestTensors {

    private TestTensors() {
    }

    /** An f32 tensor of {@code dims} that is already closed: every use must fail, naming the argument. */
    public static Tensor closed(int... dims) {
        try (Tensor tensor = Tensor.allocate(dims)) {
            return tensor;
        }
    }
}
