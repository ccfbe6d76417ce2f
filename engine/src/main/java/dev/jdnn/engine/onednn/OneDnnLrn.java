package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_h;
import dev.jdnn.engine.backend.Lrn;
import dev.jdnn.engine.backend.LrnSpec;
import dev.jdnn.engine.backend.PoolingArguments;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * oneDNN LRN across channels for one {@link LrnSpec}: forward-inference, forward-training and backward primitives on
 * the caller's plain NCHW tensors (zero-copy), with the training primitive's workspace, if its implementation keeps
 * one, in the caller's {@code s8} workspace tensor.
 *
 * <p>oneDNN's window is {@code [c - (size-1)/2, c + (size-1)/2]} and it divides alpha by the size, as PyTorch does; for
 * an odd size the windows agree. For an even size PyTorch's window is {@code [c - size/2, c + (size-1)/2]} (one
 * channel more, behind): the constructor throws {@code dnnl_unimplemented} and the backend runs it on Java. So it does
 * for size 1, where oneDNN 3.11 aborts the process creating an AVX-512 backward kernel.
 */
public final class OneDnnLrn extends OneDnnOperation implements Lrn {

    private final LrnSpec spec;
    private final String implementation;
    private final Shape workspaceShape;        // (bytes), null without a workspace
    private final OneDnnMemory userInput;      // (N, C, H, W) nchw
    private final OneDnnMemory userOutput;     // output, or gradOutput in backward
    private final OneDnnMemory userGradInput;
    private final OneDnnMemory userWorkspace;  // null without one
    private final ExecutionPlan inference;
    private final ExecutionPlan training;
    private final ExecutionPlan backward;

    OneDnnLrn(OneDnnEngine engine, LrnSpec spec) {
        super("lrn: this oneDNN LRN " + spec);
        this.spec = spec;
        try {
            if (spec.size() % 2 == 0) {
                throw new OneDnnException("jdnn: LRN of even size " + spec.size() + " (oneDNN centres the window on"
                        + " the channel, PyTorch reaches one channel further back)", dnnl_h.dnnl_unimplemented());
            }
            if (spec.size() == 1) {
                // Seen with oneDNN 3.11 on AVX-512: dnnl_primitive_create aborts the process while generating the
                // nhwc backward kernel (chosen when C == 1 or H·W == 1, where nchw is also nhwc) for local size 1.
                throw new OneDnnException("jdnn: LRN of size 1 (oneDNN 3.11's avx512 nhwc backward kernel aborts"
                        + " while generating code for it)", dnnl_h.dnnl_unimplemented());
            }
            Shape in = spec.input();
            MemoryDesc data = MemoryDesc.f32(resources, new long[] {in.dim(0), in.dim(1), in.dim(2), in.dim(3)},
                    dnnl_h.dnnl_nchw());
            PrimitiveAttributes attributes = PrimitiveAttributes.create(resources, PostOp.NONE);
            int algorithm = dnnl_h.dnnl_lrn_across_channels();
            PrimitiveDesc inferencePd = forward(engine, dnnl_h.dnnl_forward_inference(), data, attributes);
            PrimitiveDesc trainingPd = forward(engine, dnnl_h.dnnl_forward_training(), data, attributes);
            MemorySegment slot = resources.handleSlot();
            int status = dnnl_h.dnnl_lrn_backward_primitive_desc_create(slot, engine.engine(), algorithm,
                    data.handle(), data.handle(), data.handle(), spec.size(), spec.alpha(), spec.beta(), spec.k(),
                    trainingPd.handle(), attributes.handle());
            PrimitiveDesc backwardPd = PrimitiveDesc.own(resources, status, "dnnl_lrn_backward_primitive_desc_create",
                    slot);
            implementation = "forward " + inferencePd.implementation() + ", training " + trainingPd.implementation()
                    + ", backward " + backwardPd.implementation();

            MemoryDesc workspace = OneDnnPool2d.workspaceOf(trainingPd);
            userInput = OneDnnMemory.unbound(resources, engine, data);
            userOutput = OneDnnMemory.unbound(resources, engine, data);
            userGradInput = OneDnnMemory.unbound(resources, engine, data);
            userWorkspace = workspace == null ? null : OneDnnMemory.unbound(resources, engine, workspace);
            workspaceShape = workspace == null ? null : Shape.of(Math.toIntExact(workspace.byteSize()));

            inference = new ExecutionPlan(resources, engine);
            inference.add("lrn forward", inferencePd, new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_DST()},
                    userInput, userOutput).compile();
            training = new ExecutionPlan(resources, engine);
            backward = new ExecutionPlan(resources, engine);
            if (userWorkspace == null) {
                training.add("lrn forward training", trainingPd,
                        new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_DST()}, userInput, userOutput);
                backward.add("lrn backward", backwardPd, new int[] {dnnl_h.DNNL_ARG_SRC(),
                    dnnl_h.DNNL_ARG_DIFF_DST(), dnnl_h.DNNL_ARG_DIFF_SRC()}, userInput, userOutput, userGradInput);
            } else {
                training.add("lrn forward training", trainingPd, new int[] {dnnl_h.DNNL_ARG_SRC(),
                    dnnl_h.DNNL_ARG_DST(), dnnl_h.DNNL_ARG_WORKSPACE()}, userInput, userOutput, userWorkspace);
                backward.add("lrn backward", backwardPd, new int[] {dnnl_h.DNNL_ARG_SRC(),
                    dnnl_h.DNNL_ARG_DIFF_DST(), dnnl_h.DNNL_ARG_WORKSPACE(), dnnl_h.DNNL_ARG_DIFF_SRC()},
                        userInput, userOutput, userWorkspace, userGradInput);
            }
            training.compile();
            backward.compile();
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    private PrimitiveDesc forward(OneDnnEngine engine, int propKind, MemoryDesc data, PrimitiveAttributes attributes) {
        MemorySegment slot = resources.handleSlot();
        int status = dnnl_h.dnnl_lrn_forward_primitive_desc_create(slot, engine.engine(), propKind,
                dnnl_h.dnnl_lrn_across_channels(), data.handle(), data.handle(), spec.size(), spec.alpha(),
                spec.beta(), spec.k(), attributes.handle());
        return PrimitiveDesc.own(resources, status, "dnnl_lrn_forward_primitive_desc_create", slot);
    }

    @Override
    public LrnSpec spec() {
        return spec;
    }

    /** The implementations oneDNN chose for forward, training and backward ({@code ref:...} is slow). */
    public String implementation() {
        return implementation;
    }

    @Override
    public Shape workspaceShape() {
        return workspaceShape;
    }

    @Override
    public void forward(Tensor input, Tensor output) {
        PoolingArguments.checkForward(spec, input, output);
        requireOpen();
        userInput.bind(input.segment("lrn: input"));
        userOutput.bind(output.segment("lrn: output"));
        inference.execute();
    }

    @Override
    public void forwardTraining(Tensor input, Tensor output, Tensor workspace) {
        PoolingArguments.checkForward(spec, input, output);
        PoolingArguments.checkWorkspace(workspaceShape, workspace, "lrn: workspace");
        requireOpen();
        userInput.bind(input.segment("lrn: input"));
        userOutput.bind(output.segment("lrn: output"));
        if (userWorkspace != null) {
            userWorkspace.bind(workspace.segment("lrn: workspace"));
        }
        training.execute();
    }

    @Override
    public void backward(Tensor input, Tensor gradOutput, Tensor workspace, Tensor gradInput) {
        PoolingArguments.checkBackward(spec, input, gradOutput, gradInput);
        PoolingArguments.checkWorkspace(workspaceShape, workspace, "lrn backward: workspace");
        requireOpen();
        userInput.bind(input.segment("lrn backward: input"));
        userOutput.bind(gradOutput.segment("lrn backward: gradOutput"));
        userGradInput.bind(gradInput.segment("lrn backward: gradInput"));
        if (userWorkspace != null) {
            userWorkspace.bind(workspace.segment("lrn backward: workspace"));
        }
        backward.execute();
    }
}
