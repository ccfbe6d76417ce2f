package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_h;
import dev.jdnn.engine.backend.Concat;
import dev.jdnn.engine.backend.ConcatArguments;
import dev.jdnn.engine.backend.ConcatSpec;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A oneDNN concatenation for one {@link ConcatSpec}: {@code dnnl_concat} with plain (row-major) sources and a plain
 * destination, so it reads and writes the caller's tensors directly (zero-copy, no reorder).
 *
 * <p>The backward pass, a split, has no oneDNN primitive. It runs as one oneDNN reorder per gradient input, from a
 * strided view of {@code gradOutput} (the input's dims with the output's strides, the memory bound at the input's
 * byte offset) into the plain gradient input. Chosen over the Java copies so that a oneDNN backend keeps its work on
 * oneDNN's threads rather than waking the Java workers between two oneDNN primitives; both are exact copies, so the
 * answers are the same bits. The reorders are created on the first backward call: an inference-only concat never
 * pays for them.
 */
public final class OneDnnConcat extends OneDnnOperation implements Concat {

    private final ConcatSpec spec;
    private final OneDnnEngine engine;
    private final String implementation;
    private final OneDnnMemory[] userInputs; // each plain, bound to the inputs per run
    private final OneDnnMemory userOutput;   // plain, bound to the output per run
    private final ExecutionPlan forward;
    private OneDnnMemory[] gradOutputViews;  // input i's dims with the output's strides, bound at its offset
    private OneDnnMemory[] userGradInputs;   // each plain
    private long[] viewByteOffsets;
    private ExecutionPlan backward;          // null until the first backward call

    OneDnnConcat(OneDnnEngine engine, ConcatSpec spec) {
        super("concat: this oneDNN concat " + spec);
        this.spec = spec;
        this.engine = engine;
        try {
            int count = spec.inputs().size();
            MemoryDesc[] sources = new MemoryDesc[count];
            userInputs = new OneDnnMemory[count];
            for (int i = 0; i < count; i++) {
                sources[i] = MemoryDesc.plain(resources, spec.inputs().get(i), DType.F32);
                userInputs[i] = OneDnnMemory.unbound(resources, engine, sources[i]);
            }
            MemoryDesc destination = MemoryDesc.plain(resources, spec.outputShape(), DType.F32);
            userOutput = OneDnnMemory.unbound(resources, engine, destination);
            MemorySegment slot = resources.handleSlot();
            int status = dnnl_h.dnnl_concat_primitive_desc_create(slot, engine.engine(), destination.handle(), count,
                    spec.axis(), MemoryDesc.handles(resources, sources),
                    PrimitiveAttributes.create(resources, PostOp.NONE).handle());
            PrimitiveDesc concat = PrimitiveDesc.own(resources, status, "dnnl_concat_primitive_desc_create", slot);
            implementation = concat.implementation();
            int[] kinds = new int[count + 1];
            OneDnnMemory[] memories = new OneDnnMemory[count + 1];
            for (int i = 0; i < count; i++) {
                kinds[i] = dnnl_h.DNNL_ARG_MULTIPLE_SRC() + i;
                memories[i] = userInputs[i];
            }
            kinds[count] = dnnl_h.DNNL_ARG_DST();
            memories[count] = userOutput;
            forward = new ExecutionPlan(resources, engine).add("concat", concat, kinds, memories).compile();
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    private void compileBackward() {
        int count = spec.inputs().size();
        long[] outputStrides = spec.outputShape().contiguousStrides();
        long axisStrideBytes = outputStrides[spec.axis()] * Float.BYTES;
        gradOutputViews = new OneDnnMemory[count];
        userGradInputs = new OneDnnMemory[count];
        viewByteOffsets = new long[count];
        ExecutionPlan plan = new ExecutionPlan(resources, engine);
        for (int i = 0; i < count; i++) {
            Shape input = spec.inputs().get(i);
            gradOutputViews[i] = OneDnnMemory.unbound(resources, engine,
                    MemoryDesc.withStrides(resources, MemoryDesc.dims(input), DType.F32, outputStrides));
            userGradInputs[i] = OneDnnMemory.unbound(resources, engine,
                    MemoryDesc.plain(resources, input, DType.F32));
            viewByteOffsets[i] = spec.offsetOnAxis(i) * axisStrideBytes;
            plan.addReorder("split " + i, gradOutputViews[i], userGradInputs[i]);
        }
        backward = plan.compile();
    }

    @Override
    public ConcatSpec spec() {
        return spec;
    }

    /** The name of the implementation oneDNN chose for the forward concat ({@code simple:any}, ...). */
    public String implementation() {
        return implementation;
    }

    @Override
    public void forward(List<Tensor> inputs, Tensor output) {
        ConcatArguments.checkForward(spec, inputs, output);
        requireOpen();
        for (int i = 0; i < userInputs.length; i++) {
            userInputs[i].bind(inputs.get(i).segment("concat: input"));
        }
        userOutput.bind(output.segment("concat: output"));
        forward.execute();
    }

    @Override
    public void backward(Tensor gradOutput, List<Tensor> gradInputs) {
        ConcatArguments.checkBackward(spec, gradOutput, gradInputs);
        requireOpen();
        if (backward == null) {
            compileBackward();
        }
        MemorySegment whole = gradOutput.segment("concat backward: gradOutput");
        for (int i = 0; i < userGradInputs.length; i++) {
            gradOutputViews[i].bind(whole.asSlice(viewByteOffsets[i]));
            userGradInputs[i].bind(gradInputs.get(i).segment("concat backward: gradInput " + i));
        }
        backward.execute();
    }
}
