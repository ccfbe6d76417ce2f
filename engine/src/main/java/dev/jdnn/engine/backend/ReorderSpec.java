package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;

/**
 * A layout and type conversion at the edges of a network: NCHW ↔ NHWC and f32 ↔ bf16, or both at once. f32 to bf16
 * rounds to nearest, ties to even (as oneDNN and PyTorch do; NaN stays NaN, values beyond bf16's range become
 * infinities); bf16 to f32 is exact.
 *
 * @param shape             the logical dimensions {@code (N, C, H, W)}; the tensors hold the physical ones (see
 *                          {@link TensorFormat#physicalShape})
 * @param sourceFormat      the input's layout
 * @param sourceType        the input's element type, {@link DType#F32} or {@link DType#BF16}
 * @param destinationFormat the output's layout
 * @param destinationType   the output's element type, {@link DType#F32} or {@link DType#BF16}
 */
public record ReorderSpec(Shape shape, TensorFormat sourceFormat, DType sourceType, TensorFormat destinationFormat,
                          DType destinationType) {

    public ReorderSpec {
        if (shape == null || sourceFormat == null || sourceType == null || destinationFormat == null
                || destinationType == null) {
            throw new IllegalArgumentException("reorder: shape, formats and types must not be null, got " + shape
                    + " " + sourceFormat + " " + sourceType + " -> " + destinationFormat + " " + destinationType);
        }
        shape.requireRank(4, "reorder: shape", "N, C, H, W");
        requireFloatType(sourceType, "source");
        requireFloatType(destinationType, "destination");
    }

    private static void requireFloatType(DType type, String what) {
        if (type != DType.F32 && type != DType.BF16) {
            throw new IllegalArgumentException("reorder: the " + what + " type must be f32 or bf16, got " + type);
        }
    }

    /** The input tensor's (physical) shape. */
    public Shape inputShape() {
        return sourceFormat.physicalShape(shape);
    }

    /** The output tensor's (physical) shape. */
    public Shape outputShape() {
        return destinationFormat.physicalShape(shape);
    }
}
