package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;

/**
 * Shape checks of 4-D activations in either layout that allocate nothing when they pass: they run on every call of
 * an inference session's replayed program, whose steady state allocates no Java heap. The message (which tensor,
 * its layout, expected vs. got) is built only on failure.
 */
final class LayoutChecks {

    private LayoutChecks() {
    }

    /** {@code tensor} is open, of {@code type}, and holds logical {@code (n, c, h, w)} in {@code format}. */
    static void require(Tensor tensor, DType type, TensorFormat format, int n, int c, int h, int w, String what) {
        TensorChecks.check(tensor, what, type);
        if (!format.holds(tensor.shape(), n, c, h, w)) {
            throw new IllegalArgumentException(TensorFormat.name(what, format) + " must have shape "
                    + format.physicalShape(Shape.of(n, c, h, w)) + ", got " + tensor.shape());
        }
    }

    /** An f32 {@code tensor} holding {@code logical} {@code (N, C, H, W)} in {@code format}. */
    static void require(Tensor tensor, TensorFormat format, Shape logical, String what) {
        require(tensor, DType.F32, format, logical, what);
    }

    /** A {@code tensor} of {@code type} holding {@code logical} {@code (N, C, H, W)} in {@code format}. */
    static void require(Tensor tensor, DType type, TensorFormat format, Shape logical, String what) {
        require(tensor, type, format, logical.dim(0), logical.dim(1), logical.dim(2), logical.dim(3), what);
    }
}
