package dev.jdnn.engine.tensor;

/** Element types of tensors. Kernels run on {@link #F32} today; the others reserve their place in the format. */
public enum DType {
    F32(4, "f32"),
    BF16(2, "bf16"),
    S8(1, "s8");

    private final int byteSize;
    private final String shortName;

    DType(int byteSize, String shortName) {
        this.byteSize = byteSize;
        this.shortName = shortName;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The name used in messages and file formats: {@code f32}, {@code bf16}, {@code s8}. */
    public String shortName() {
        return shortName;
    }

    @Override
    public String toString() {
        return shortName;
    }
}
