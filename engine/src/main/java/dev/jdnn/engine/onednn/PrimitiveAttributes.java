package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_h;
import dev.jdnn.engine.backend.PostOp;
import java.lang.foreign.MemorySegment;

/**
 * A {@code dnnl_primitive_attr_t}: always a user-owned scratchpad ({@code dnnl_scratchpad_mode_user}: the owner
 * allocates it once), and a convolution's {@link PostOp} as oneDNN post-ops.
 */
record PrimitiveAttributes(MemorySegment handle) {

    /** Scratchpad mode user and {@code postOp}: ReLU is {@code eltwise_relu} (alpha 0), sum has scale 1. */
    static PrimitiveAttributes create(NativeResources resources, PostOp postOp) {
        MemorySegment slot = resources.handleSlot();
        MemorySegment attr = resources.own(dnnl_h.dnnl_primitive_attr_create(slot), "dnnl_primitive_attr_create",
                slot, dnnl_h::dnnl_primitive_attr_destroy, "dnnl_primitive_attr_destroy");
        OneDnnStatus.check(dnnl_h.dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_h.dnnl_scratchpad_mode_user()),
                "dnnl_primitive_attr_set_scratchpad_mode");
        if (postOp != PostOp.NONE) {
            MemorySegment postOps = resources.own(dnnl_h.dnnl_post_ops_create(slot), "dnnl_post_ops_create", slot,
                    dnnl_h::dnnl_post_ops_destroy, "dnnl_post_ops_destroy");
            if (postOp == PostOp.SUM || postOp == PostOp.SUM_RELU) {
                // data type undef: the sum reads dst in dst's own type
                OneDnnStatus.check(dnnl_h.dnnl_post_ops_append_sum(postOps, 1f, 0, dnnl_h.dnnl_data_type_undef()),
                        "dnnl_post_ops_append_sum");
            }
            if (postOp == PostOp.RELU || postOp == PostOp.SUM_RELU) {
                OneDnnStatus.check(dnnl_h.dnnl_post_ops_append_eltwise(postOps, dnnl_h.dnnl_eltwise_relu(), 0f, 0f),
                        "dnnl_post_ops_append_eltwise");
            }
            OneDnnStatus.check(dnnl_h.dnnl_primitive_attr_set_post_ops(attr, postOps),
                    "dnnl_primitive_attr_set_post_ops");
        }
        return new PrimitiveAttributes(attr);
    }
}
