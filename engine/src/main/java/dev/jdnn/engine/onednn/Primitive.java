package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_exec_arg_t;
import dev.jdnn.bindings.dnnl.dnnl_h;
import java.lang.foreign.MemorySegment;

/** A {@code dnnl_primitive_t}, executed on a stream with an argument list made once ({@link #arguments}). */
record Primitive(MemorySegment handle) {

    /** The arguments of one execution: {@code dnnl_exec_arg_t[count]} in {@code resources}' arena. */
    record Arguments(MemorySegment array, int count) {
    }

    /** An argument list pairing each {@code DNNL_ARG_*} in {@code kinds} with the memory at the same index. */
    static Arguments arguments(NativeResources resources, int[] kinds, OneDnnMemory[] memories) {
        if (kinds.length != memories.length) {
            throw new IllegalArgumentException("primitive arguments: " + kinds.length + " kinds for "
                    + memories.length + " memories");
        }
        MemorySegment array = dnnl_exec_arg_t.allocateArray(kinds.length, resources.arena());
        for (int i = 0; i < kinds.length; i++) {
            MemorySegment arg = dnnl_exec_arg_t.asSlice(array, i);
            dnnl_exec_arg_t.arg(arg, kinds[i]);
            dnnl_exec_arg_t.memory(arg, memories[i].handle());
        }
        return new Arguments(array, kinds.length);
    }

    /** Submits one execution to {@code engine}'s stream. */
    void execute(OneDnnEngine engine, Arguments arguments, String what) {
        int status = dnnl_h.dnnl_primitive_execute(handle, engine.stream(), arguments.count(), arguments.array());
        if (status != dnnl_h.dnnl_success()) { // the message only on failure: runs allocate nothing
            OneDnnStatus.check(status, "dnnl_primitive_execute(" + what + ")");
        }
    }
}
