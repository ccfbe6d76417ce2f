package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_h;
import dev.jdnn.engine.backend.Conv2dForward;
import dev.jdnn.engine.backend.Conv2dSpec;
import dev.jdnn.engine.backend.ConvArguments;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * A oneDNN f32 forward convolution for one {@link Conv2dSpec}: one primitive, created here with
 * {@code format_tag_any} for source, weights and destination so that oneDNN picks its blocked layouts, bias and
 * the post-op fused through primitive attributes.
 *
 * <p>Where the chosen layout differs from the caller's plain one (NCHW source and destination; weights
 * {@code (OC, C, KH, KW)}, or {@code (G, OC/G, C/G, KH, KW)} with groups, which is the same memory as
 * {@code (OC, C/groups, KH, KW)}), a reorder primitive converts into or out of a buffer this object owns; where it
 * is the same, the primitive runs on the tensor's own memory (zero-copy). With a sum post-op the output's previous
 * contents are reordered into the primitive's destination layout first. The weights are reordered on every run: the
 * inference compiler will reorder them once and keep them.
 *
 * <p>Everything native (descriptors, primitives, intermediate buffers, the scratchpad, which is user-owned and shared
 * by the primitives as they run one after another) is made at construction and freed by {@link #close()}; a run
 * allocates nothing. Runs go through the backend's stream: one thread at a time per backend.
 */
public final class OneDnnConv2dForward implements Conv2dForward, AutoCloseable {

    /** A primitive to create, with its arguments other than the scratchpad. */
    private record Planned(String what, PrimitiveDesc desc, int[] kinds, OneDnnMemory[] memories) {
        MemoryDesc scratchpad() {
            return desc.query(dnnl_h.dnnl_query_scratchpad_md(), "scratchpad");
        }
    }

    /** One primitive execution with its argument list. */
    private record Step(Primitive primitive, Primitive.Arguments arguments, String what) {
        void execute(OneDnnEngine engine) {
            primitive.execute(engine, arguments, what);
        }
    }

    private final Conv2dSpec spec;
    private final OneDnnEngine engine;
    private final NativeResources resources = new NativeResources();
    private final String implementation;
    private final OneDnnMemory userSource;  // (N, C, H, W) nchw, bound to the input per run
    private final OneDnnMemory userWeights; // (OC, C/groups, KH, KW) oihw, or goihw with groups
    private final OneDnnMemory userBias;    // (OC), null without bias
    private final OneDnnMemory userOutput;  // (N, OC, OH, OW) nchw
    private final Step[] steps;             // reorders in, the convolution, the reorder out
    private volatile boolean closed;

    OneDnnConv2dForward(OneDnnEngine engine, Conv2dSpec spec) {
        this.spec = spec;
        this.engine = engine;
        try {
            Shape in = spec.input();
            Shape out = spec.outputShape();
            int groups = spec.groups();
            Window2d w = spec.window();
            long[] sourceDims = {in.dim(0), in.dim(1), in.dim(2), in.dim(3)};
            long[] outputDims = {out.dim(0), out.dim(1), out.dim(2), out.dim(3)};
            long[] weightDims = groups == 1
                    ? new long[] {spec.outChannels(), in.dim(1), w.kernelH(), w.kernelW()}
                    : new long[] {groups, spec.outChannels() / groups, in.dim(1) / groups, w.kernelH(), w.kernelW()};
            int weightTag = groups == 1 ? dnnl_h.dnnl_oihw() : dnnl_h.dnnl_goihw();
            int any = dnnl_h.dnnl_format_tag_any();

            MemoryDesc plainSource = MemoryDesc.f32(resources, sourceDims, dnnl_h.dnnl_nchw());
            MemoryDesc plainWeights = MemoryDesc.f32(resources, weightDims, weightTag);
            MemoryDesc plainOutput = MemoryDesc.f32(resources, outputDims, dnnl_h.dnnl_nchw());
            MemoryDesc bias = spec.bias()
                    ? MemoryDesc.f32(resources, new long[] {spec.outChannels()}, dnnl_h.dnnl_a()) : null;

            PrimitiveDesc convolution = createConvolution(
                    MemoryDesc.f32(resources, sourceDims, any), MemoryDesc.f32(resources, weightDims, any), bias,
                    MemoryDesc.f32(resources, outputDims, any), w, PrimitiveAttributes.create(resources, spec.postOp()));
            implementation = convolution.implementation();
            MemoryDesc source = convolution.query(dnnl_h.dnnl_query_src_md(), "source");
            MemoryDesc weights = convolution.query(dnnl_h.dnnl_query_weights_md(), "weights");
            MemoryDesc output = convolution.query(dnnl_h.dnnl_query_dst_md(), "destination");

            userSource = OneDnnMemory.create(resources, engine, plainSource, MemorySegment.NULL);
            userWeights = OneDnnMemory.create(resources, engine, plainWeights, MemorySegment.NULL);
            userBias = bias == null ? null : OneDnnMemory.create(resources, engine, bias, MemorySegment.NULL);
            userOutput = OneDnnMemory.create(resources, engine, plainOutput, MemorySegment.NULL);
            OneDnnMemory sourceMemory = source.sameLayout(plainSource) ? userSource
                    : OneDnnMemory.allocate(resources, engine, source);
            OneDnnMemory weightsMemory = weights.sameLayout(plainWeights) ? userWeights
                    : OneDnnMemory.allocate(resources, engine, weights);
            OneDnnMemory outputMemory = output.sameLayout(plainOutput) ? userOutput
                    : OneDnnMemory.allocate(resources, engine, output);

            // The primitives in run order; they share one scratchpad, as large as the largest needs.
            List<Planned> plan = new ArrayList<>();
            PrimitiveAttributes reorderAttributes = PrimitiveAttributes.create(resources, PostOp.NONE);
            planReorder(plan, userSource, sourceMemory, reorderAttributes, "reorder source");
            planReorder(plan, userWeights, weightsMemory, reorderAttributes, "reorder weights");
            if (spec.postOp() == PostOp.SUM || spec.postOp() == PostOp.SUM_RELU) {
                planReorder(plan, userOutput, outputMemory, reorderAttributes, "reorder output in");
            }
            plan.add(userBias == null
                    ? new Planned("convolution", convolution,
                            new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_WEIGHTS(), dnnl_h.DNNL_ARG_DST()},
                            new OneDnnMemory[] {sourceMemory, weightsMemory, outputMemory})
                    : new Planned("convolution", convolution,
                            new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_WEIGHTS(), dnnl_h.DNNL_ARG_BIAS(),
                                dnnl_h.DNNL_ARG_DST()},
                            new OneDnnMemory[] {sourceMemory, weightsMemory, userBias, outputMemory}));
            planReorder(plan, outputMemory, userOutput, reorderAttributes, "reorder output out");

            long scratchpadBytes = 0;
            for (Planned planned : plan) {
                scratchpadBytes = Math.max(scratchpadBytes, planned.scratchpad().byteSize());
            }
            MemorySegment scratchpad = resources.buffer(scratchpadBytes);
            steps = new Step[plan.size()];
            for (int i = 0; i < steps.length; i++) {
                steps[i] = compile(plan.get(i), scratchpad);
            }
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    private PrimitiveDesc createConvolution(MemoryDesc source, MemoryDesc weights, MemoryDesc bias, MemoryDesc output,
                                            Window2d w, PrimitiveAttributes attributes) {
        Arena arena = resources.arena();
        MemorySegment strides = arena.allocateFrom(ValueLayout.JAVA_LONG, w.strideH(), w.strideW());
        // oneDNN counts dilation from 0 (no gaps), PyTorch from 1.
        MemorySegment dilates = arena.allocateFrom(ValueLayout.JAVA_LONG,
                w.dilationH() - 1L, w.dilationW() - 1L);
        // Symmetric padding: oneDNN checks (in + left + right - extent) / stride + 1 == out with floor division,
        // as PyTorch's output size is defined.
        MemorySegment padding = arena.allocateFrom(ValueLayout.JAVA_LONG, w.padH(), w.padW());
        MemorySegment slot = resources.handleSlot();
        int status = dnnl_h.dnnl_convolution_forward_primitive_desc_create(slot, engine.engine(),
                dnnl_h.dnnl_forward_inference(), dnnl_h.dnnl_convolution_direct(), source.handle(), weights.handle(),
                bias == null ? MemorySegment.NULL : bias.handle(), output.handle(), strides, dilates, padding, padding,
                attributes.handle());
        return PrimitiveDesc.own(resources, status, "dnnl_convolution_forward_primitive_desc_create", slot);
    }

    /** Adds a reorder from {@code from} to {@code to} unless they are the same memory (same layout: no reorder). */
    private void planReorder(List<Planned> plan, OneDnnMemory from, OneDnnMemory to, PrimitiveAttributes attributes,
                             String what) {
        if (from != to) {
            plan.add(new Planned(what, PrimitiveDesc.reorder(resources, engine, from.desc(), to.desc(), attributes),
                    new int[] {dnnl_h.DNNL_ARG_FROM(), dnnl_h.DNNL_ARG_TO()}, new OneDnnMemory[] {from, to}));
        }
    }

    /** The primitive of {@code planned}, with its arguments and, if it needs one, the shared scratchpad. */
    private Step compile(Planned planned, MemorySegment scratchpad) {
        int[] kinds = planned.kinds();
        OneDnnMemory[] memories = planned.memories();
        MemoryDesc scratchpadDesc = planned.scratchpad();
        if (scratchpadDesc.byteSize() > 0) {
            kinds = Arrays.copyOf(kinds, kinds.length + 1);
            memories = Arrays.copyOf(memories, memories.length + 1);
            kinds[kinds.length - 1] = dnnl_h.DNNL_ARG_SCRATCHPAD();
            memories[memories.length - 1] = OneDnnMemory.create(resources, engine, scratchpadDesc, scratchpad);
        }
        return new Step(planned.desc().createPrimitive(resources), Primitive.arguments(resources, kinds, memories),
                planned.what());
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
        return Stream.of(steps).map(Step::what).toList();
    }

    @Override
    public void run(Tensor input, Tensor weight, Tensor bias, Tensor output) {
        ConvArguments.checkForward(spec, input, weight, bias, output);
        if (closed) {
            throw new IllegalStateException("conv2d: this oneDNN convolution " + spec + " was used after close()");
        }
        userSource.bind(input.segment("conv2d: input"));
        userWeights.bind(weight.segment("conv2d: weight"));
        if (userBias != null) {
            userBias.bind(bias.segment("conv2d: bias"));
        }
        userOutput.bind(output.segment("conv2d: output"));
        for (Step step : steps) {
            step.execute(engine);
        }
        engine.await();
    }

    /** Frees the primitives and buffers; the backend does this when it closes. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        resources.close();
    }
}
