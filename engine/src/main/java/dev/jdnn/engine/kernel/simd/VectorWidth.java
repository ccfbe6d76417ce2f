package dev.jdnn.engine.kernel.simd;

import java.util.function.IntSupplier;

/** Reports the width, in bits, of the float vectors the kernels of this package use. */
public final class VectorWidth implements IntSupplier {

    @Override
    public int getAsInt() {
        return VectorShapes.FLOAT.vectorBitSize();
    }
}
