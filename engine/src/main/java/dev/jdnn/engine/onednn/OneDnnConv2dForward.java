package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_h;
import dev.jdnn.engine.backend.Conv2dForward;
import dev.jdnn.engine.backend.Conv2dSpec;
import dev.jdnn.engine.backend.ConvArguments;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.backend.PreparedConv2d;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A oneDNN f32 forward convolution for one {@link Conv2dSpec}: one primitive, created here with
 * {@code format_tag_any} for source, weights and destination so that oneDNN picks its blocked layouts, bias and
 * the post-op fused through primitive attributes.
 *
 * <p>Where the chosen layout differs from the caller's (NCHW or NHWC source and destination, as the spec says; weights
 * {@code (OC, C, KH, KW)}, or {@code (G, OC/G, C/G, KH, KW)} with groups, which is the same memory as
 * {@code (OC, C/groups, KH, KW)}), a reorder primitive converts into or out of a buffer this object owns; where it
 * is the same, the primitive runs on the tensor's own memory (zero-copy). With a sum post-op the output's previous
 * contents are reordered into the primitive's destination layout first. {@link #run} reorders the weights every time
 * (training changes them between runs); {@link #prepare} reorders them once and keeps them for inference.
 *
 * <p>Everything native (descriptors, primitives, intermediate buffers, the scratchpad, which is user-owned and shared
 * by the primitives as they run one after another) is made at construction and freed by {@link #close()}; a run
 * allocates nothing. Runs go through the backend's stream: one thread at a time per backend.
 */
public final class OneDnnConv2dForward extends OneDnnOperation implements Conv2dForward {

    private final Conv2dSpec spec;
    private final OneDnnEngine engine;
    private final String implementation;
    private final OneDnnMemory userSource;  // (N, C, H, W) nchw or nhwc, bound to the input per run
    private final OneDnnMemory userWeights; // (OC, C/groups, KH, KW) oihw, or goihw with groups
    private final OneDnnMemory userBias;    // (OC), null without bias
    private final OneDnnMemory userOutput;  // (N, OC, OH, OW) nchw or nhwc
    private final OneDnnMemory weightsMemory; // the convolution's weights: userWeights, or a buffer in its layout
    private final MemorySegment weightsBuffer; // weightsMemory's own buffer, null when it is userWeights
    private final ExecutionPlan weightsPlan;  // the weights reorder, empty when the layout is the plain one
    private final ExecutionPlan plan;         // source (and output-in) reorders, the convolution, the reorder out

    OneDnnConv2dForward(OneDnnEngine engine, Conv2dSpec spec) {
        super("conv2d: this oneDNN convolution " + spec);
        this.spec = spec;
        this.engine = engine;
        try {
            ConvolutionGeometry geometry = ConvolutionGeometry.of(resources.arena(), spec);
            long[] sourceDims = geometry.sourceDims();
            long[] outputDims = geometry.outputDims();
            long[] weightDims = geometry.weightDims();
            int weightTag = geometry.weightTag();
            int any = dnnl_h.dnnl_format_tag_any();

            MemoryDesc plainSource = MemoryDesc.f32(resources, sourceDims,
                    MemoryDesc.tag(spec.inputFormat()));
            MemoryDesc plainWeights = MemoryDesc.f32(resources, weightDims, weightTag);
            MemoryDesc plainOutput = MemoryDesc.f32(resources, outputDims,
                    MemoryDesc.tag(spec.outputFormat()));
            MemoryDesc bias = spec.bias()
                    ? MemoryDesc.f32(resources, new long[] {spec.outChannels()}, dnnl_h.dnnl_a()) : null;

            PrimitiveDesc convolution = geometry.forward(resources, engine, dnnl_h.dnnl_forward_inference(),
                    MemoryDesc.f32(resources, sourceDims, any), MemoryDesc.f32(resources, weightDims, any), bias,
                    MemoryDesc.f32(resources, outputDims, any), PrimitiveAttributes.create(resources, spec.postOp()));
            implementation = convolution.implementation();
            MemoryDesc source = convolution.query(dnnl_h.dnnl_query_src_md(), "source");
            MemoryDesc weights = convolution.query(dnnl_h.dnnl_query_weights_md(), "weights");
            MemoryDesc output = convolution.query(dnnl_h.dnnl_query_dst_md(), "destination");

            userSource = OneDnnMemory.unbound(resources, engine, plainSource);
            userWeights = OneDnnMemory.unbound(resources, engine, plainWeights);
            userBias = bias == null ? null : OneDnnMemory.unbound(resources, engine, bias);
            userOutput = OneDnnMemory.unbound(resources, engine, plainOutput);
            plan = new ExecutionPlan(resources, engine);
            weightsPlan = new ExecutionPlan(resources, engine);
            OneDnnMemory sourceMemory = plan.memoryFor(userSource, source);
            weightsMemory = plan.memoryFor(userWeights, weights);
            weightsBuffer = weightsMemory == userWeights ? null : weightsMemory.dataHandle();
            OneDnnMemory outputMemory = plan.memoryFor(userOutput, output);

            weightsPlan.addReorder("reorder weights", userWeights, weightsMemory);
            plan.addReorder("reorder source", userSource, sourceMemory);
            if (spec.postOp().hasSum()) {
                plan.addReorder("reorder output in", userOutput, outputMemory);
            }
            if (userBias == null) {
                plan.add("convolution", convolution,
                        new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_WEIGHTS(), dnnl_h.DNNL_ARG_DST()},
                        sourceMemory, weightsMemory, outputMemory);
            } else {
                plan.add("convolution", convolution, new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_WEIGHTS(),
                    dnnl_h.DNNL_ARG_BIAS(), dnnl_h.DNNL_ARG_DST()}, sourceMemory, weightsMemory, userBias,
                        outputMemory);
            }
            plan.addReorder("reorder output out", outputMemory, userOutput);
            weightsPlan.compile();
            plan.compile();
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    @Override
    public Conv2dSpec spec() {
        return spec;
    }

    /** The name of the implementation oneDNN chose ({@code dnnl_query_impl_info_str}); {@code ref:...} is slow. */
    public String implementation() {
        return implementation;
    }

    /**
     * What a run executes, in order: {@code reorder source}, {@code reorder weights}, {@code reorder output in},
     * {@code convolution}, {@code reorder output out}, each present only where needed.
     */
    List<String> plan() {
        List<String> steps = new ArrayList<>(weightsPlan.steps());
        steps.addAll(plan.steps());
        return steps;
    }

    @Override
    public void run(Tensor input, Tensor weight, Tensor bias, Tensor output) {
        ConvArguments.checkForward(spec, input, weight, bias, output);
        requireOpen();
        userWeights.bind(weight.segment("conv2d: weight"));
        if (weightsBuffer != null) {
            weightsMemory.bind(weightsBuffer); // a prepared convolution may have pointed it elsewhere
        }
        if (userBias != null) {
            userBias.bind(bias.segment("conv2d: bias"));
        }
        bindInputOutput(input, output);
        weightsPlan.submit();
        plan.execute();
    }

    @Override
    public PreparedConv2d prepare(Tensor weight, Tensor bias) {
        ConvArguments.checkParameters(spec, weight, bias);
        requireOpen();
        return new Prepared(weight, bias);
    }

    private void bindInputOutput(Tensor input, Tensor output) {
        userSource.bind(input.segment("conv2d: input"));
        userOutput.bind(output.segment("conv2d: output"));
    }

    /**
     * The weights reordered once into the convolution's layout and a copy of the bias, in memory of its own; a run
     * points the convolution's weights and bias memories at them and executes the plan without the weights reorder.
     */
    private final class Prepared implements PreparedConv2d {

        private final Arena arena = Arena.ofShared();
        private final MemorySegment weights; // in the layout oneDNN chose
        private final MemorySegment bias;    // (OC) copy, null without bias
        private volatile boolean preparedClosed;

        Prepared(Tensor weight, Tensor bias) {
            try {
                MemorySegment plainWeights = weight.segment("conv2d: weight");
                weights = arena.allocate(weightsMemory.desc().byteSize(), 64);
                if (weightsPlan.isEmpty()) {
                    MemorySegment.copy(plainWeights, 0, weights, 0, plainWeights.byteSize());
                } else {
                    userWeights.bind(plainWeights);
                    weightsMemory.bind(weights);
                    weightsPlan.execute();
                }
                if (bias == null) {
                    this.bias = null;
                } else {
                    MemorySegment plainBias = bias.segment("conv2d: bias");
                    this.bias = arena.allocate(plainBias.byteSize(), 64);
                    MemorySegment.copy(plainBias, 0, this.bias, 0, plainBias.byteSize());
                }
            } catch (RuntimeException e) {
                arena.close();
                throw e;
            }
        }

        @Override
        public Conv2dSpec spec() {
            return spec;
        }

        @Override
        public void run(Tensor input, Tensor output) {
            ConvArguments.checkInputOutput(spec, input, output);
            requireOpen();
            if (preparedClosed) {
                throw new IllegalStateException("conv2d: this prepared convolution " + spec + " was used after close()");
            }
            weightsMemory.bind(weights);
            if (userBias != null) {
                userBias.bind(bias);
            }
            bindInputOutput(input, output);
            plan.execute();
        }

        @Override
        public void close() {
            if (preparedClosed) {
                return;
            }
            preparedClosed = true;
            arena.close();
        }
    }
}
