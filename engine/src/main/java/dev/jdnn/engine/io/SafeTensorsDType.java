package dev.jdnn.engine.io;

import dev.jdnn.engine.tensor.DType;
import java.util.Optional;

/**
 * The element types a safetensors header may name, in the reference implementation's order (increasing alignment):
 * writers put tensors of later types first, so every tensor's data starts at a multiple of its element size.
 */
public enum SafeTensorsDType {
    BOOL(1),
    U8(1),
    I8(1),
    F8_E5M2(1),
    F8_E4M3(1),
    I16(2),
    U16(2),
    F16(2),
    BF16(2),
    I32(4),
    U32(4),
    F32(4),
    F64(8),
    I64(8),
    U64(8);

    private final int byteSize;

    SafeTensorsDType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The header's spelling of {@code text} ({@code "F32"}), or empty if safetensors defines no such type. */
    public static Optional<SafeTensorsDType> fromHeader(String text) {
        for (SafeTensorsDType type : values()) {
            if (type.name().equals(text)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /** The file type that holds a tensor of {@code dtype} unchanged. */
    public static SafeTensorsDType of(DType dtype) {
        return switch (dtype) {
            case F32 -> F32;
            case BF16 -> BF16;
            case S8 -> I8;
        };
    }

    /**
     * Whether elements of this file type can be read into a tensor of {@code target}: exactly for the same type, and
     * converted to f32 (rounded to nearest, as PyTorch's {@code .float()}) from every float and integer type.
     */
    public boolean loadableAs(DType target) {
        return switch (target) {
            case F32 -> this != F8_E5M2 && this != F8_E4M3;
            case BF16 -> this == BF16;
            case S8 -> this == I8;
        };
    }

    /** Whether the elements are integers (booleans count as 0 and 1). */
    public boolean isInteger() {
        return switch (this) {
            case BOOL, U8, I8, I16, U16, I32, U32, I64, U64 -> true;
            default -> false;
        };
    }
}
