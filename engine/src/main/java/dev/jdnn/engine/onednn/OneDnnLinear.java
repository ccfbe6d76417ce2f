package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_h;
import dev.jdnn.engine.backend.Linear;
import dev.jdnn.engine.backend.LinearArguments;
import dev.jdnn.engine.backend.LinearSpec;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A oneDNN f32 inner product for one {@link LinearSpec}: forward ({@code forward_training}, whose descriptor is the
 * backward's hint), backward data and backward weights (with the bias gradient), each an {@link ExecutionPlan}.
 *
 * <p>Source, weights and destination (and their gradients) are created with {@code format_tag_any}; the caller's
 * tensors are {@code nc} for {@code (N, in)} and {@code (N, out)} and {@code oi} ({@code ab}) for the weight
 * {@code (out, in)}, as PyTorch stores it; bias and its gradient are plain {@code a}. Where oneDNN's choice is the
 * plain layout the primitive runs on the tensor's memory, else a reorder converts into or out of a buffer this object
 * owns. The weights are reordered on every run that reads them.
 *
 * <p>All three primitives are created at construction (the backward ones need the forward descriptor), so a spec
 * used only for inference also holds the backward ones; everything native is freed by {@link #close()}. A run
 * allocates nothing.
 */
public final class OneDnnLinear extends OneDnnOperation implements Linear {

    private final LinearSpec spec;
    private final List<String> implementations;
    private final OneDnnMemory userInput;      // (N, in) nc: forward and backward weights
    private final OneDnnMemory userWeight;     // (out, in) oi: forward and backward data
    private final OneDnnMemory userBias;       // (out) a; null without bias
    private final OneDnnMemory userOutput;     // (N, out) nc
    private final OneDnnMemory userGradOutput; // (N, out) nc: both backward passes
    private final OneDnnMemory userGradInput;  // (N, in) nc
    private final OneDnnMemory userGradWeight; // (out, in) oi
    private final OneDnnMemory userGradBias;   // (out) a; null without bias
    private final ExecutionPlan forwardPlan;
    private final ExecutionPlan backwardDataPlan;
    private final ExecutionPlan backwardWeightsPlan;

    OneDnnLinear(OneDnnEngine engine, LinearSpec spec) {
        super("linear: this oneDNN inner product " + spec);
        this.spec = spec;
        try {
            long[] inputDims = {spec.batch(), spec.inFeatures()};
            long[] weightDims = {spec.outFeatures(), spec.inFeatures()};
            long[] outputDims = {spec.batch(), spec.outFeatures()};
            int any = dnnl_h.dnnl_format_tag_any();
            MemoryDesc anyInput = MemoryDesc.f32(resources, inputDims, any);
            MemoryDesc anyWeight = MemoryDesc.f32(resources, weightDims, any);
            MemoryDesc anyOutput = MemoryDesc.f32(resources, outputDims, any);
            MemoryDesc bias = spec.bias()
                    ? MemoryDesc.f32(resources, new long[] {spec.outFeatures()}, dnnl_h.dnnl_a()) : null;
            MemorySegment biasHandle = bias == null ? MemorySegment.NULL : bias.handle();
            MemorySegment attributes = PrimitiveAttributes.create(resources, PostOp.NONE).handle();

            MemorySegment slot = resources.handleSlot();
            int status = dnnl_h.dnnl_inner_product_forward_primitive_desc_create(slot, engine.engine(),
                    dnnl_h.dnnl_forward_training(), anyInput.handle(), anyWeight.handle(), biasHandle,
                    anyOutput.handle(), attributes);
            PrimitiveDesc forward = PrimitiveDesc.own(resources, status,
                    "dnnl_inner_product_forward_primitive_desc_create", slot);
            slot = resources.handleSlot();
            status = dnnl_h.dnnl_inner_product_backward_data_primitive_desc_create(slot, engine.engine(),
                    anyInput.handle(), anyWeight.handle(), anyOutput.handle(), forward.handle(), attributes);
            PrimitiveDesc backwardData = PrimitiveDesc.own(resources, status,
                    "dnnl_inner_product_backward_data_primitive_desc_create", slot);
            slot = resources.handleSlot();
            status = dnnl_h.dnnl_inner_product_backward_weights_primitive_desc_create(slot, engine.engine(),
                    anyInput.handle(), anyWeight.handle(), biasHandle, anyOutput.handle(), forward.handle(),
                    attributes);
            PrimitiveDesc backwardWeights = PrimitiveDesc.own(resources, status,
                    "dnnl_inner_product_backward_weights_primitive_desc_create", slot);
            implementations = List.of(forward.implementation(), backwardData.implementation(),
                    backwardWeights.implementation());

            userInput = OneDnnMemory.unbound(resources, engine, MemoryDesc.f32(resources, inputDims, dnnl_h.dnnl_nc()));
            userWeight = OneDnnMemory.unbound(resources, engine,
                    MemoryDesc.f32(resources, weightDims, dnnl_h.dnnl_oi()));
            userOutput = OneDnnMemory.unbound(resources, engine,
                    MemoryDesc.f32(resources, outputDims, dnnl_h.dnnl_nc()));
            userGradOutput = OneDnnMemory.unbound(resources, engine, userOutput.desc());
            userGradInput = OneDnnMemory.unbound(resources, engine, userInput.desc());
            userGradWeight = OneDnnMemory.unbound(resources, engine, userWeight.desc());
            userBias = bias == null ? null : OneDnnMemory.unbound(resources, engine, bias);
            userGradBias = bias == null ? null : OneDnnMemory.unbound(resources, engine, bias);

            forwardPlan = new ExecutionPlan(resources, engine);
            OneDnnMemory source = forwardPlan.memoryFor(userInput, forward.query(dnnl_h.dnnl_query_src_md(), "source"));
            OneDnnMemory weights = forwardPlan.memoryFor(userWeight,
                    forward.query(dnnl_h.dnnl_query_weights_md(), "weights"));
            OneDnnMemory destination = forwardPlan.memoryFor(userOutput,
                    forward.query(dnnl_h.dnnl_query_dst_md(), "destination"));
            forwardPlan.addReorder("reorder input", userInput, source);
            forwardPlan.addReorder("reorder weight", userWeight, weights);
            if (userBias == null) {
                forwardPlan.add("inner product forward", forward,
                        new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_WEIGHTS(), dnnl_h.DNNL_ARG_DST()},
                        source, weights, destination);
            } else {
                forwardPlan.add("inner product forward", forward, new int[] {dnnl_h.DNNL_ARG_SRC(),
                    dnnl_h.DNNL_ARG_WEIGHTS(), dnnl_h.DNNL_ARG_BIAS(), dnnl_h.DNNL_ARG_DST()},
                        source, weights, userBias, destination);
            }
            forwardPlan.addReorder("reorder output", destination, userOutput);
            forwardPlan.compile();

            backwardDataPlan = new ExecutionPlan(resources, engine);
            OneDnnMemory diffDestination = backwardDataPlan.memoryFor(userGradOutput,
                    backwardData.query(dnnl_h.dnnl_query_diff_dst_md(), "diff destination"));
            weights = backwardDataPlan.memoryFor(userWeight,
                    backwardData.query(dnnl_h.dnnl_query_weights_md(), "weights"));
            OneDnnMemory diffSource = backwardDataPlan.memoryFor(userGradInput,
                    backwardData.query(dnnl_h.dnnl_query_diff_src_md(), "diff source"));
            backwardDataPlan.addReorder("reorder gradOutput", userGradOutput, diffDestination);
            backwardDataPlan.addReorder("reorder weight", userWeight, weights);
            backwardDataPlan.add("inner product backward data", backwardData, new int[] {dnnl_h.DNNL_ARG_DIFF_DST(),
                dnnl_h.DNNL_ARG_WEIGHTS(), dnnl_h.DNNL_ARG_DIFF_SRC()}, diffDestination, weights, diffSource);
            backwardDataPlan.addReorder("reorder gradInput", diffSource, userGradInput);
            backwardDataPlan.compile();

            backwardWeightsPlan = new ExecutionPlan(resources, engine);
            source = backwardWeightsPlan.memoryFor(userInput,
                    backwardWeights.query(dnnl_h.dnnl_query_src_md(), "source"));
            diffDestination = backwardWeightsPlan.memoryFor(userGradOutput,
                    backwardWeights.query(dnnl_h.dnnl_query_diff_dst_md(), "diff destination"));
            OneDnnMemory diffWeights = backwardWeightsPlan.memoryFor(userGradWeight,
                    backwardWeights.query(dnnl_h.dnnl_query_diff_weights_md(), "diff weights"));
            backwardWeightsPlan.addReorder("reorder input", userInput, source);
            backwardWeightsPlan.addReorder("reorder gradOutput", userGradOutput, diffDestination);
            if (userGradBias == null) {
                backwardWeightsPlan.add("inner product backward weights", backwardWeights,
                        new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_DIFF_DST(), dnnl_h.DNNL_ARG_DIFF_WEIGHTS()},
                        source, diffDestination, diffWeights);
            } else {
                backwardWeightsPlan.add("inner product backward weights", backwardWeights, new int[] {
                    dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_DIFF_DST(), dnnl_h.DNNL_ARG_DIFF_WEIGHTS(),
                    dnnl_h.DNNL_ARG_DIFF_BIAS()}, source, diffDestination, diffWeights, userGradBias);
            }
            backwardWeightsPlan.addReorder("reorder gradWeight", diffWeights, userGradWeight);
            backwardWeightsPlan.compile();
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    @Override
    public LinearSpec spec() {
        return spec;
    }

    /**
     * The implementations oneDNN chose: forward, backward data, backward weights ({@code brgemm:avx512_core},
     * {@code gemm:jit}, ...; {@code ref:} is slow).
     */
    public List<String> implementations() {
        return implementations;
    }

    /** What each pass runs, in order: forward, backward data, backward weights. */
    List<List<String>> plans() {
        return List.of(forwardPlan.steps(), backwardDataPlan.steps(), backwardWeightsPlan.steps());
    }

    @Override
    public void forward(Tensor input, Tensor weight, Tensor bias, Tensor output) {
        LinearArguments.checkForward(spec, input, weight, bias, output);
        requireOpen();
        userInput.bind(input.segment());
        userWeight.bind(weight.segment());
        if (userBias != null) {
            userBias.bind(bias.segment());
        }
        userOutput.bind(output.segment());
        forwardPlan.execute();
    }

    @Override
    public void backwardData(Tensor gradOutput, Tensor weight, Tensor gradInput) {
        LinearArguments.checkBackwardData(spec, gradOutput, weight, gradInput);
        requireOpen();
        userGradOutput.bind(gradOutput.segment());
        userWeight.bind(weight.segment());
        userGradInput.bind(gradInput.segment());
        backwardDataPlan.execute();
    }

    @Override
    public void backwardWeights(Tensor input, Tensor gradOutput, Tensor gradWeight, Tensor gradBias) {
        LinearArguments.checkBackwardWeights(spec, input, gradOutput, gradWeight, gradBias);
        requireOpen();
        userInput.bind(input.segment());
        userGradOutput.bind(gradOutput.segment());
        userGradWeight.bind(gradWeight.segment());
        if (userGradBias != null) {
            userGradBias.bind(gradBias.segment());
        }
        backwardWeightsPlan.execute();
    }
}
