package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_h;
import dev.jdnn.engine.backend.PostOp;
import java.lang.foreign.MemorySegment;

/**
 * A {@code dnnl_primitive_attr_t}: always a user-owned scratchpad ({@code dnnl_scratchpad_mode_user}: the owner
 * allocates it once), and a convolution's {@link PostOp} as oneDNN post-ops.
 */
record PrimitiveAttributes(MemorySegment handle) {

    /**
     * Scratchpad mode user and {@code postOp}: ReLU is {@code eltwise_relu} (alpha 0), ReLU6 {@code eltwise_clip}
     * (0, 6), SiLU {@code eltwise_swish} (alpha 1), Hardswish {@code eltwise_hardswish} (1/6, 1/2); sum has scale 1.
     */
    static PrimitiveAttributes create(NativeResources resources, PostOp postOp) {
        MemorySegment slot = resources.handleSlot();
        MemorySegment attr = resources.own(dnnl_h.dnnl_primitive_attr_create(slot), "dnnl_primitive_attr_create",
                slot, dnnl_h::dnnl_primitive_attr_destroy, "dnnl_primitive_attr_destroy");
        OneDnnStatus.check(dnnl_h.dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_h.dnnl_scratchpad_mode_user()),
                "dnnl_primitive_attr_set_scratchpad_mode");
        if (postOp != PostOp.NONE) {
            MemorySegment postOps = resources.own(dnnl_h.dnnl_post_ops_create(slot), "dnnl_post_ops_create", slot,
                    dnnl_h::dnnl_post_ops_destroy, "dnnl_post_ops_destroy");
            if (postOp.hasSum()) {
                // data type undef: the sum reads dst in dst's own type
                OneDnnStatus.check(dnnl_h.dnnl_post_ops_append_sum(postOps, 1f, 0, dnnl_h.dnnl_data_type_undef()),
                        "dnnl_post_ops_append_sum");
            }
            switch (postOp) {
                case RELU, SUM_RELU -> appendEltwise(postOps, dnnl_h.dnnl_eltwise_relu(), 0f, 0f);
                case RELU6 -> appendEltwise(postOps, dnnl_h.dnnl_eltwise_clip(), 0f, 6f);
                case SILU -> appendEltwise(postOps, dnnl_h.dnnl_eltwise_swish(), 1f, 0f);
                case HARDSWISH -> appendEltwise(postOps, dnnl_h.dnnl_eltwise_hardswish(), 1f / 6f, 0.5f);
                case NONE, SUM -> { }
            }
            OneDnnStatus.check(dnnl_h.dnnl_primitive_attr_set_post_ops(attr, postOps),
                    "dnnl_primitive_attr_set_post_ops");
        }
        return new PrimitiveAttributes(attr);
    }

    private static void appendEltwise(MemorySegment postOps, int algorithm, float alpha, float beta) {
        OneDnnStatus.check(dnnl_h.dnnl_post_ops_append_eltwise(postOps, algorithm, alpha, beta),
                "dnnl_post_ops_append_eltwise");
    }
}
