package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_h;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.backend.Sum;
import dev.jdnn.engine.backend.SumArguments;
import dev.jdnn.engine.backend.SumSpec;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * A oneDNN scaled sum for one {@link SumSpec}: {@code dnnl_sum} with the spec's scales, plain sources and a plain
 * destination, on the caller's tensors (zero-copy). In place on the first input is oneDNN's supported in-place mode.
 */
public final class OneDnnSum extends OneDnnOperation implements Sum {

    private final SumSpec spec;
    private final String implementation;
    private final OneDnnMemory[] userInputs;
    private final OneDnnMemory userOutput;
    private final ExecutionPlan plan;

    OneDnnSum(OneDnnEngine engine, SumSpec spec) {
        super("sum: this oneDNN sum " + spec);
        this.spec = spec;
        try {
            int count = spec.inputCount();
            MemoryDesc[] sources = new MemoryDesc[count];
            userInputs = new OneDnnMemory[count];
            float[] scales = new float[count];
            for (int i = 0; i < count; i++) {
                sources[i] = MemoryDesc.plain(resources, spec.shape(), DType.F32);
                userInputs[i] = OneDnnMemory.unbound(resources, engine, sources[i]);
                scales[i] = spec.scales().get(i);
            }
            MemoryDesc destination = MemoryDesc.plain(resources, spec.shape(), DType.F32);
            userOutput = OneDnnMemory.unbound(resources, engine, destination);
            MemorySegment slot = resources.handleSlot();
            int status = dnnl_h.dnnl_sum_primitive_desc_create(slot, engine.engine(), destination.handle(), count,
                    resources.arena().allocateFrom(ValueLayout.JAVA_FLOAT, scales),
                    MemoryDesc.handles(resources, sources),
                    PrimitiveAttributes.create(resources, PostOp.NONE).handle());
            PrimitiveDesc sum = PrimitiveDesc.own(resources, status, "dnnl_sum_primitive_desc_create", slot);
            implementation = sum.implementation();
            int[] kinds = new int[count + 1];
            OneDnnMemory[] memories = new OneDnnMemory[count + 1];
            for (int i = 0; i < count; i++) {
                kinds[i] = dnnl_h.DNNL_ARG_MULTIPLE_SRC() + i;
                memories[i] = userInputs[i];
            }
            kinds[count] = dnnl_h.DNNL_ARG_DST();
            memories[count] = userOutput;
            plan = new ExecutionPlan(resources, engine).add("sum", sum, kinds, memories).compile();
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    @Override
    public SumSpec spec() {
        return spec;
    }

    /** The name of the implementation oneDNN chose ({@code simple:any}, ...). */
    public String implementation() {
        return implementation;
    }

    @Override
    public void run(List<Tensor> inputs, Tensor output) {
        SumArguments.check(spec, inputs, output);
        requireOpen();
        for (int i = 0; i < userInputs.length; i++) {
            userInputs[i].bind(inputs.get(i).segment("sum: input " + i));
        }
        userOutput.bind(output.segment("sum: output"));
        plan.execute();
    }
}
