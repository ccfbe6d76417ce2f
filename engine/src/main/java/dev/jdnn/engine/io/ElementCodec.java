package dev.jdnn.engine.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * Converts elements between a file's little-endian bytes and f32 tensor memory, a chunk at a time: reading any float
 * or integer type as f32 (rounded to nearest), and writing f32 values as i64.
 */
final class ElementCodec {

    private ElementCodec() {
    }

    /**
     * Converts {@code count} elements of {@code type} from {@code source} (little-endian, at its position) into f32
     * elements {@code [index, index + count)} of {@code target}.
     */
    static void decodeToF32(SafeTensorsDType type, ByteBuffer source, MemorySegment target, long index, int count) {
        for (int i = 0; i < count; i++) {
            target.setAtIndex(ValueLayout.JAVA_FLOAT, index + i, decodeOne(type, source));
        }
    }

    private static float decodeOne(SafeTensorsDType type, ByteBuffer source) {
        return switch (type) {
            case BOOL -> source.get() != 0 ? 1f : 0f;
            case U8 -> source.get() & 0xFF;
            case I8 -> source.get();
            case I16 -> source.getShort();
            case U16 -> source.getShort() & 0xFFFF;
            case F16 -> Float.float16ToFloat(source.getShort());
            case BF16 -> Float.intBitsToFloat((source.getShort() & 0xFFFF) << 16);
            case I32 -> source.getInt();
            case U32 -> source.getInt() & 0xFFFF_FFFFL;
            case F32 -> source.getFloat();
            case F64 -> (float) source.getDouble();
            case I64 -> source.getLong();
            case U64 -> unsignedToFloat(source.getLong());
            case F8_E5M2, F8_E4M3 -> throw new IllegalArgumentException("no f32 conversion from " + type);
        };
    }

    private static float unsignedToFloat(long bits) {
        if (bits >= 0) {
            return bits;
        }
        // Halve (keeping the low bit so rounding stays correct), convert, double.
        return ((float) ((bits >>> 1) | (bits & 1))) * 2f;
    }

    /**
     * Reads {@code count} integers of integer {@code type} from {@code source} into {@code target[offset..]}; fails for a
     * U64 value above {@link Long#MAX_VALUE}, naming {@code what}.
     */
    static void decodeToLong(SafeTensorsDType type, ByteBuffer source, long[] target, int offset, int count,
                             String what) {
        for (int i = 0; i < count; i++) {
            long value = switch (type) {
                case BOOL -> source.get() != 0 ? 1 : 0;
                case U8 -> source.get() & 0xFF;
                case I8 -> source.get();
                case I16 -> source.getShort();
                case U16 -> source.getShort() & 0xFFFF;
                case I32 -> source.getInt();
                case U32 -> source.getInt() & 0xFFFF_FFFFL;
                case I64 -> source.getLong();
                case U64 -> {
                    long bits = source.getLong();
                    if (bits < 0) {
                        throw new IllegalArgumentException(what + ": U64 value " + Long.toUnsignedString(bits)
                                + " does not fit a long");
                    }
                    yield bits;
                }
                default -> throw new IllegalArgumentException(what + " holds " + type + ", not integers");
            };
            target[offset + i] = value;
        }
    }

    /**
     * Writes f32 elements {@code [index, index + count)} of {@code source} as little-endian i64 into {@code target};
     * every value must be an integer in the range of a long ({@code what} names the tensor in the message).
     */
    static void encodeF32AsI64(MemorySegment source, long index, int count, ByteBuffer target, String what) {
        for (int i = 0; i < count; i++) {
            float value = source.getAtIndex(ValueLayout.JAVA_FLOAT, index + i);
            if (value != Math.rint(value) || value < -0x1p63f || value >= 0x1p63f) {
                throw new IllegalArgumentException(what + ": element " + (index + i) + " is " + value
                        + ", which is not an integer that i64 can hold");
            }
            target.putLong((long) value);
        }
    }
}
