package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_h;
import dev.jdnn.engine.backend.TensorFormat;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A {@code dnnl_memory_desc_t}: either one we created (owned by a {@link NativeResources}: any element type, by format
 * tag, by strides for a view into a larger tensor, or a tensor's own row-major layout) or one a primitive descriptor
 * answered a query with (owned by that descriptor).
 */
record MemoryDesc(MemorySegment handle) {

    /** An f32 descriptor of {@code dims} in the layout {@code formatTag} ({@code dnnl_nchw}, {@code dnnl_format_tag_any}). */
    static MemoryDesc f32(NativeResources resources, long[] dims, int formatTag) {
        return withTag(resources, dims, DType.F32, formatTag);
    }

    /** oneDNN's data type for {@code type}: {@code dnnl_f32}, {@code dnnl_bf16}, {@code dnnl_s8}. */
    static int dataType(DType type) {
        return switch (type) {
            case F32 -> dnnl_h.dnnl_f32();
            case BF16 -> dnnl_h.dnnl_bf16();
            case S8 -> dnnl_h.dnnl_s8();
        };
    }

    /** {@code shape}'s sizes as oneDNN dims. */
    static long[] dims(Shape shape) {
        long[] dims = new long[shape.rank()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.dim(i);
        }
        return dims;
    }

    /** A descriptor of {@code dims} of {@code type} in the layout {@code formatTag} ({@code dnnl_nhwc}, ...). */
    static MemoryDesc withTag(NativeResources resources, long[] dims, DType type, int formatTag) {
        MemorySegment dimsArray = resources.arena().allocateFrom(ValueLayout.JAVA_LONG, dims);
        MemorySegment slot = resources.handleSlot();
        int status = dnnl_h.dnnl_memory_desc_create_with_tag(slot, dims.length, dimsArray, dataType(type), formatTag);
        return new MemoryDesc(resources.own(status, "dnnl_memory_desc_create_with_tag", slot,
                dnnl_h::dnnl_memory_desc_destroy, "dnnl_memory_desc_destroy"));
    }

    /** A descriptor of {@code dims} of {@code type} with element {@code strides} (a view may skip elements). */
    static MemoryDesc withStrides(NativeResources resources, long[] dims, DType type, long[] strides) {
        MemorySegment dimsArray = resources.arena().allocateFrom(ValueLayout.JAVA_LONG, dims);
        MemorySegment stridesArray = resources.arena().allocateFrom(ValueLayout.JAVA_LONG, strides);
        MemorySegment slot = resources.handleSlot();
        int status = dnnl_h.dnnl_memory_desc_create_with_strides(slot, dims.length, dimsArray, dataType(type),
                stridesArray);
        return new MemoryDesc(resources.own(status, "dnnl_memory_desc_create_with_strides", slot,
                dnnl_h::dnnl_memory_desc_destroy, "dnnl_memory_desc_destroy"));
    }

    /** A row-major descriptor of {@code shape} of {@code type}, for any rank: a {@code Tensor}'s own layout. */
    static MemoryDesc plain(NativeResources resources, Shape shape, DType type) {
        return withStrides(resources, dims(shape), type, shape.contiguousStrides());
    }

    /** An array of the descriptors' handles ({@code const_dnnl_memory_desc_t *}). */
    static MemorySegment handles(NativeResources resources, MemoryDesc[] descs) {
        MemorySegment array = resources.arena().allocate(ValueLayout.ADDRESS, descs.length);
        for (int i = 0; i < descs.length; i++) {
            array.setAtIndex(ValueLayout.ADDRESS, i, descs[i].handle());
        }
        return array;
    }

    /** Bytes a memory of this descriptor takes (0 for an empty descriptor, such as a primitive's unused scratchpad). */
    long byteSize() {
        return dnnl_h.dnnl_memory_desc_get_size(handle);
    }

    /** Whether both describe the same layout ({@code dnnl_memory_desc_equal}). */
    boolean sameLayout(MemoryDesc other) {
        return dnnl_h.dnnl_memory_desc_equal(handle, other.handle) != 0;
    }

    /** The plain oneDNN format tag of a 4-D activation layout: {@code dnnl_nchw} or {@code dnnl_nhwc}. */
    static int tag(TensorFormat format) {
        return switch (format) {
            case NCHW -> dnnl_h.dnnl_nchw();
            case NHWC -> dnnl_h.dnnl_nhwc();
        };
    }
}
