package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_h;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A {@code dnnl_primitive_desc_t}: the implementation oneDNN chose for an operation, and the layouts it wants. */
record PrimitiveDesc(MemorySegment handle) {

    /** Takes ownership of the descriptor a {@code dnnl_*_primitive_desc_create} call wrote into {@code slot}. */
    static PrimitiveDesc own(NativeResources resources, int status, String createCall, MemorySegment slot) {
        return new PrimitiveDesc(resources.own(status, createCall, slot, dnnl_h::dnnl_primitive_desc_destroy,
                "dnnl_primitive_desc_destroy"));
    }

    /**
     * A reorder from {@code from} to {@code to} on {@code engine}, with {@code attributes} (for a user-owned
     * scratchpad).
     */
    static PrimitiveDesc reorder(NativeResources resources, OneDnnEngine engine, MemoryDesc from, MemoryDesc to,
                                 PrimitiveAttributes attributes) {
        MemorySegment slot = resources.handleSlot();
        int status = dnnl_h.dnnl_reorder_primitive_desc_create(slot, from.handle(), engine.engine(), to.handle(),
                engine.engine(), attributes.handle());
        return own(resources, status, "dnnl_reorder_primitive_desc_create", slot);
    }

    /**
     * The layout chosen for one argument ({@code dnnl_query_src_md}, {@code dnnl_query_weights_md},
     * {@code dnnl_query_dst_md}, {@code dnnl_query_scratchpad_md}); owned by this descriptor.
     */
    MemoryDesc query(int what, String name) {
        MemorySegment md = dnnl_h.dnnl_primitive_desc_query_md(handle, what, 0);
        if (md.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("dnnl_primitive_desc_query_md answered no " + name + " descriptor");
        }
        return new MemoryDesc(md);
    }

    /** The implementation's name, e.g. {@code brgconv:avx2} or {@code jit:avx512_core}; {@code ref:any} is slow. */
    @SuppressWarnings("restricted") // native memory of known size: oneDNN's own strings and structs
    String implementation() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment result = arena.allocate(ValueLayout.ADDRESS);
            OneDnnStatus.check(dnnl_h.dnnl_primitive_desc_query(handle, dnnl_h.dnnl_query_impl_info_str(), 0, result),
                    "dnnl_primitive_desc_query(impl_info_str)");
            MemorySegment text = result.get(ValueLayout.ADDRESS, 0);
            return text.equals(MemorySegment.NULL) ? "" : text.reinterpret(Integer.MAX_VALUE).getString(0);
        }
    }

    /** The primitive this descriptor describes, owned by {@code resources}. */
    Primitive createPrimitive(NativeResources resources) {
        MemorySegment slot = resources.handleSlot();
        return new Primitive(resources.own(dnnl_h.dnnl_primitive_create(slot, handle), "dnnl_primitive_create", slot,
                dnnl_h::dnnl_primitive_destroy, "dnnl_primitive_destroy"));
    }
}
