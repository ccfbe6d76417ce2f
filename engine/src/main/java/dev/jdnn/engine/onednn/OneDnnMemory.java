package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_h;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A {@code dnnl_memory_t}: a descriptor plus a data pointer that it does not own. Memory bound to a caller's tensor
 * is created without data and pointed at the tensor on each run ({@link #bind}); memory for an intermediate buffer
 * points at a buffer of the same owner.
 */
record OneDnnMemory(MemorySegment handle, MemoryDesc desc) {

    /** Memory of {@code desc} on {@code data}, or on nothing yet when {@code data} is {@link MemorySegment#NULL}. */
    static OneDnnMemory create(NativeResources resources, OneDnnEngine engine, MemoryDesc desc, MemorySegment data) {
        MemorySegment slot = resources.handleSlot();
        int status = dnnl_h.dnnl_memory_create(slot, desc.handle(), engine.engine(), data);
        return new OneDnnMemory(resources.own(status, "dnnl_memory_create", slot, dnnl_h::dnnl_memory_destroy,
                "dnnl_memory_destroy"), desc);
    }

    /** Memory of {@code desc} for a caller's tensor, pointed at it on each run with {@link #bind}. */
    static OneDnnMemory unbound(NativeResources resources, OneDnnEngine engine, MemoryDesc desc) {
        return create(resources, engine, desc, MemorySegment.NULL);
    }

    /** Memory of {@code desc} on a new buffer of its size, owned by {@code resources}. */
    static OneDnnMemory allocate(NativeResources resources, OneDnnEngine engine, MemoryDesc desc) {
        return create(resources, engine, desc, resources.buffer(desc.byteSize()));
    }

    /** The data pointer this memory points at now. */
    MemorySegment dataHandle() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment result = arena.allocate(ValueLayout.ADDRESS);
            OneDnnStatus.check(dnnl_h.dnnl_memory_get_data_handle(handle, result), "dnnl_memory_get_data_handle");
            return result.get(ValueLayout.ADDRESS, 0);
        }
    }

    /** Points this memory at {@code data} (zero-copy: a tensor's own memory) for the next executions. */
    void bind(MemorySegment data) {
        OneDnnStatus.check(dnnl_h.dnnl_memory_set_data_handle(handle, data), "dnnl_memory_set_data_handle");
    }
}
