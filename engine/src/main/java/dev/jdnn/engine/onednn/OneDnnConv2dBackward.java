package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_h;
import dev.jdnn.engine.backend.Conv2dBackward;
import dev.jdnn.engine.backend.Conv2dSpec;
import dev.jdnn.engine.backend.ConvBackwardArguments;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.tensor.Tensor;
import java.util.List;

/**
 * oneDNN's f32 convolution backward passes for one {@link Conv2dSpec}: a backward-data primitive and a
 * backward-weights primitive (with the bias gradient when the spec has a bias), both created with
 * {@code format_tag_any} from a {@code forward_training} descriptor as hint, so that oneDNN picks its layouts.
 *
 * <p>As in {@link OneDnnConv2dForward}, each pass is an {@link ExecutionPlan}: reorders from the caller's plain layouts
 * (NCHW; weights {@code oihw}, or {@code goihw} with groups) into the chosen ones and back, only where they differ;
 * where they are the same the primitive runs on the tensor's own memory. The bias gradient is always plain
 * ({@code a}). Everything native is made at construction and freed by {@link #close()}; a run allocates nothing.
 */
public final class OneDnnConv2dBackward extends OneDnnOperation implements Conv2dBackward {

    private final Conv2dSpec spec;
    private final String dataImplementation;
    private final String weightsImplementation;
    private final OneDnnMemory userGradOutput; // (N, OC, OH, OW) nchw, bound per run (shared by both plans)
    private final OneDnnMemory userWeights;    // (OC, C/groups, KH, KW) oihw, or goihw with groups
    private final OneDnnMemory userGradInput;  // (N, C, H, W) nchw
    private final OneDnnMemory userInput;      // (N, C, H, W) nchw
    private final OneDnnMemory userGradWeight; // as userWeights
    private final OneDnnMemory userGradBias;   // (OC), null without bias
    private final ExecutionPlan dataPlan;
    private final ExecutionPlan weightsPlan;

    OneDnnConv2dBackward(OneDnnEngine engine, Conv2dSpec spec) {
        super("conv2d backward: this oneDNN convolution " + spec);
        ConvBackwardArguments.checkSpec(spec);
        this.spec = spec;
        try {
            ConvolutionGeometry geometry = ConvolutionGeometry.of(resources.arena(), spec);
            long[] sourceDims = geometry.sourceDims();
            long[] outputDims = geometry.outputDims();
            long[] weightDims = geometry.weightDims();
            int weightTag = geometry.weightTag();
            int any = dnnl_h.dnnl_format_tag_any();

            MemoryDesc anySource = MemoryDesc.f32(resources, sourceDims, any);
            MemoryDesc anyWeights = MemoryDesc.f32(resources, weightDims, any);
            MemoryDesc anyOutput = MemoryDesc.f32(resources, outputDims, any);
            MemoryDesc bias = spec.bias()
                    ? MemoryDesc.f32(resources, new long[] {spec.outChannels()}, dnnl_h.dnnl_a()) : null;
            PrimitiveAttributes attributes = PrimitiveAttributes.create(resources, PostOp.NONE);

            PrimitiveDesc hint = geometry.forward(resources, engine, dnnl_h.dnnl_forward_training(), anySource,
                    anyWeights, bias, anyOutput, attributes);
            PrimitiveDesc data = geometry.backwardData(resources, engine, anySource, anyWeights, anyOutput, hint,
                    attributes);
            PrimitiveDesc weights = geometry.backwardWeights(resources, engine, anySource, anyWeights, bias,
                    anyOutput, hint, attributes);
            dataImplementation = data.implementation();
            weightsImplementation = weights.implementation();

            userGradOutput = OneDnnMemory.unbound(resources, engine,
                    MemoryDesc.f32(resources, outputDims, dnnl_h.dnnl_nchw()));
            userWeights = OneDnnMemory.unbound(resources, engine, MemoryDesc.f32(resources, weightDims, weightTag));
            userGradInput = OneDnnMemory.unbound(resources, engine,
                    MemoryDesc.f32(resources, sourceDims, dnnl_h.dnnl_nchw()));
            userInput = OneDnnMemory.unbound(resources, engine,
                    MemoryDesc.f32(resources, sourceDims, dnnl_h.dnnl_nchw()));
            userGradWeight = OneDnnMemory.unbound(resources, engine,
                    MemoryDesc.f32(resources, weightDims, weightTag));
            userGradBias = bias == null ? null : OneDnnMemory.unbound(resources, engine, bias);

            dataPlan = new ExecutionPlan(resources, engine);
            OneDnnMemory dataGradOutput = dataPlan.memoryFor(userGradOutput,
                    data.query(dnnl_h.dnnl_query_diff_dst_md(), "diff destination"));
            OneDnnMemory dataWeights = dataPlan.memoryFor(userWeights,
                    data.query(dnnl_h.dnnl_query_weights_md(), "weights"));
            OneDnnMemory dataGradInput = dataPlan.memoryFor(userGradInput,
                    data.query(dnnl_h.dnnl_query_diff_src_md(), "diff source"));
            dataPlan.addReorder("reorder gradOutput", userGradOutput, dataGradOutput);
            dataPlan.addReorder("reorder weights", userWeights, dataWeights);
            dataPlan.add("backward data", data,
                    new int[] {dnnl_h.DNNL_ARG_DIFF_DST(), dnnl_h.DNNL_ARG_WEIGHTS(), dnnl_h.DNNL_ARG_DIFF_SRC()},
                    dataGradOutput, dataWeights, dataGradInput);
            dataPlan.addReorder("reorder gradInput out", dataGradInput, userGradInput);
            dataPlan.compile();

            weightsPlan = new ExecutionPlan(resources, engine);
            OneDnnMemory weightsInput = weightsPlan.memoryFor(userInput,
                    weights.query(dnnl_h.dnnl_query_src_md(), "source"));
            OneDnnMemory weightsGradOutput = weightsPlan.memoryFor(userGradOutput,
                    weights.query(dnnl_h.dnnl_query_diff_dst_md(), "diff destination"));
            OneDnnMemory weightsGradWeight = weightsPlan.memoryFor(userGradWeight,
                    weights.query(dnnl_h.dnnl_query_diff_weights_md(), "diff weights"));
            weightsPlan.addReorder("reorder input", userInput, weightsInput);
            weightsPlan.addReorder("reorder gradOutput", userGradOutput, weightsGradOutput);
            if (userGradBias == null) {
                weightsPlan.add("backward weights", weights,
                        new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_DIFF_DST(), dnnl_h.DNNL_ARG_DIFF_WEIGHTS()},
                        weightsInput, weightsGradOutput, weightsGradWeight);
            } else {
                weightsPlan.add("backward weights", weights,
                        new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_DIFF_DST(), dnnl_h.DNNL_ARG_DIFF_WEIGHTS(),
                            dnnl_h.DNNL_ARG_DIFF_BIAS()},
                        weightsInput, weightsGradOutput, weightsGradWeight, userGradBias);
            }
            weightsPlan.addReorder("reorder gradWeight out", weightsGradWeight, userGradWeight);
            weightsPlan.compile();
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    @Override
    public Conv2dSpec spec() {
        return spec;
    }

    /** The implementation oneDNN chose for the backward-data pass; {@code ref:...} is slow. */
    public String dataImplementation() {
        return dataImplementation;
    }

    /** The implementation oneDNN chose for the backward-weights pass; {@code ref:...} is slow. */
    public String weightsImplementation() {
        return weightsImplementation;
    }

    /** What {@link #backwardData} executes, in order; reorders only where the chosen layout differs. */
    List<String> dataPlan() {
        return dataPlan.steps();
    }

    /** What {@link #backwardWeights} executes, in order. */
    List<String> weightsPlan() {
        return weightsPlan.steps();
    }

    @Override
    public void backwardData(Tensor gradOutput, Tensor weight, Tensor gradInput) {
        ConvBackwardArguments.checkBackwardData(spec, gradOutput, weight, gradInput);
        requireOpen();
        userGradOutput.bind(gradOutput.segment("conv2d backward data: gradOutput"));
        userWeights.bind(weight.segment("conv2d backward data: weight"));
        userGradInput.bind(gradInput.segment("conv2d backward data: gradInput"));
        dataPlan.execute();
    }

    @Override
    public void backwardWeights(Tensor input, Tensor gradOutput, Tensor gradWeight, Tensor gradBias) {
        ConvBackwardArguments.checkBackwardWeights(spec, input, gradOutput, gradWeight, gradBias);
        requireOpen();
        userInput.bind(input.segment("conv2d backward weights: input"));
        userGradOutput.bind(gradOutput.segment("conv2d backward weights: gradOutput"));
        userGradWeight.bind(gradWeight.segment("conv2d backward weights: gradWeight"));
        if (userGradBias != null) {
            userGradBias.bind(gradBias.segment("conv2d backward weights: gradBias"));
        }
        weightsPlan.execute();
    }
}
