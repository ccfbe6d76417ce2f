package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_h;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A {@code dnnl_memory_desc_t}: either one we created (owned by a {@link NativeResources}) or one a primitive
 * descriptor answered a query with (owned by that descriptor).
 */
record MemoryDesc(MemorySegment handle) {

    /** An f32 descriptor of {@code dims} in the layout {@code formatTag} ({@code dnnl_nchw}, {@code dnnl_format_tag_any}). */
    static MemoryDesc f32(NativeResources resources, long[] dims, int formatTag) {
        MemorySegment dimsArray = resources.arena().allocateFrom(ValueLayout.JAVA_LONG, dims);
        MemorySegment slot = resources.handleSlot();
        int status = dnnl_h.dnnl_memory_desc_create_with_tag(slot, dims.length, dimsArray, dnnl_h.dnnl_f32(),
                formatTag);
        return new MemoryDesc(resources.own(status, "dnnl_memory_desc_create_with_tag", slot,
                dnnl_h::dnnl_memory_desc_destroy, "dnnl_memory_desc_destroy"));
    }

    /** Bytes a memory of this descriptor takes (0 for an empty descriptor, such as a primitive's unused scratchpad). */
    long byteSize() {
        return dnnl_h.dnnl_memory_desc_get_size(handle);
    }

    /** Whether both describe the same layout ({@code dnnl_memory_desc_equal}). */
    boolean sameLayout(MemoryDesc other) {
        return dnnl_h.dnnl_memory_desc_equal(handle, other.handle) != 0;
    }
}
