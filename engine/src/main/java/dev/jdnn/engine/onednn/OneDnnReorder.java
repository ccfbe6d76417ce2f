package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_h;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.backend.Reorder;
import dev.jdnn.engine.backend.ReorderArguments;
import dev.jdnn.engine.backend.ReorderSpec;
import dev.jdnn.engine.tensor.Tensor;

/**
 * A oneDNN reorder for one {@link ReorderSpec}: one {@code dnnl_reorder} between the logical {@code (N, C, H, W)}
 * dims tagged {@code dnnl_nchw} or {@code dnnl_nhwc}, of {@code dnnl_f32} or {@code dnnl_bf16}, on the caller's
 * tensors (zero-copy).
 *
 * <p>Where it converts (and in its same-layout copies, which go through f32: {@code jit_direct_copy}), oneDNN 3.11
 * flushes subnormal sources, f32 or bf16, to a zero of the same sign, and quiets a bf16 signalling NaN copied to
 * bf16. The Java path keeps both (subnormals round to nearest even; data movement keeps every bit). Everything else is
 * bit-identical on the two backends; {@code ReorderTest} accepts exactly these deviations and no others.
 */
public final class OneDnnReorder extends OneDnnOperation implements Reorder {

    private final ReorderSpec spec;
    private final String implementation;
    private final OneDnnMemory userInput;
    private final OneDnnMemory userOutput;
    private final ExecutionPlan plan;

    OneDnnReorder(OneDnnEngine engine, ReorderSpec spec) {
        super("reorder: this oneDNN reorder " + spec);
        this.spec = spec;
        try {
            long[] dims = MemoryDesc.dims(spec.shape());
            MemoryDesc source = MemoryDesc.withTag(resources, dims, spec.sourceType(), MemoryDesc.tag(spec.sourceFormat()));
            MemoryDesc destination = MemoryDesc.withTag(resources, dims, spec.destinationType(),
                    MemoryDesc.tag(spec.destinationFormat()));
            userInput = OneDnnMemory.unbound(resources, engine, source);
            userOutput = OneDnnMemory.unbound(resources, engine, destination);
            PrimitiveDesc reorder = PrimitiveDesc.reorder(resources, engine, source, destination,
                    PrimitiveAttributes.create(resources, PostOp.NONE));
            implementation = reorder.implementation();
            plan = new ExecutionPlan(resources, engine).add("reorder", reorder,
                    new int[] {dnnl_h.DNNL_ARG_FROM(), dnnl_h.DNNL_ARG_TO()}, userInput, userOutput).compile();
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    @Override
    public ReorderSpec spec() {
        return spec;
    }

    /** The name of the implementation oneDNN chose ({@code jit:uni}, {@code simple:any}, ...). */
    public String implementation() {
        return implementation;
    }

    @Override
    public void run(Tensor input, Tensor output) {
        ReorderArguments.check(spec, input, output);
        requireOpen();
        userInput.bind(input.segment("reorder: input"));
        userOutput.bind(output.segment("reorder: output"));
        plan.execute();
    }
}
