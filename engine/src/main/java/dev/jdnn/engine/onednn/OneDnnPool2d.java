package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_h;
import dev.jdnn.engine.backend.Pool2d;
import dev.jdnn.engine.backend.Pool2dSpec;
import dev.jdnn.engine.backend.PoolingArguments;
import dev.jdnn.engine.backend.PoolingMode;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * oneDNN pooling for one {@link Pool2dSpec}: a forward-inference, a forward-training and a backward primitive on the
 * caller's NCHW tensors (zero-copy; NHWC ones for the inference forward of a channels-last spec), each with its user-owned scratchpad. The training forward writes oneDNN's
 * workspace (max pooling's argmax, in oneDNN's own format) into the caller's {@code s8} workspace tensor, which the
 * backward primitive reads.
 *
 * <p>Ceil mode is expressed as extra right padding (oneDNN has no ceil flag): for max pooling and for averages that
 * exclude padding that is PyTorch's answer. Where it is not, the constructor throws {@code dnnl_unimplemented} and the
 * backend runs the spec on the Java kernels: an average that counts padding with a ceil-mode window running past the
 * padding (PyTorch's divisor stops at the padding, oneDNN's is always the kernel's area), and a dilated max window
 * holding no input element at all (PyTorch answers -infinity).
 */
public final class OneDnnPool2d extends OneDnnOperation implements Pool2d {

    private final Pool2dSpec spec;
    private final String implementation;
    private final Shape workspaceShape;       // (bytes), null when oneDNN keeps no workspace
    private final OneDnnMemory userSource;    // (N, C, H, W) nchw: input / gradInput
    private final OneDnnMemory userOutput;    // (N, C, OH, OW) nchw: output / gradOutput
    private final OneDnnMemory userWorkspace; // oneDNN's workspace layout, null without one
    private final ExecutionPlan inference;
    private final ExecutionPlan training;
    private final ExecutionPlan backward;

    OneDnnPool2d(OneDnnEngine engine, Pool2dSpec spec) {
        super("pool2d: this oneDNN pooling " + spec);
        this.spec = spec;
        try {
            requireOneDnnMatchesPyTorch(spec);
            Shape in = spec.input();
            Shape out = spec.outputShape();
            Window2d w = spec.window();
            int tag = MemoryDesc.tag(spec.format());
            MemoryDesc source = MemoryDesc.f32(resources, new long[] {in.dim(0), in.dim(1), in.dim(2), in.dim(3)},
                    tag);
            MemoryDesc output = MemoryDesc.f32(resources,
                    new long[] {out.dim(0), out.dim(1), out.dim(2), out.dim(3)}, tag);
            Arena arena = resources.arena();
            MemorySegment strides = arena.allocateFrom(ValueLayout.JAVA_LONG, w.strideH(), w.strideW());
            MemorySegment kernel = arena.allocateFrom(ValueLayout.JAVA_LONG, w.kernelH(), w.kernelW());
            // oneDNN counts dilation from 0 (no gaps), PyTorch from 1.
            MemorySegment dilation = arena.allocateFrom(ValueLayout.JAVA_LONG, w.dilationH() - 1L,
                    w.dilationW() - 1L);
            MemorySegment padLeft = arena.allocateFrom(ValueLayout.JAVA_LONG, w.padH(), w.padW());
            MemorySegment padRight = arena.allocateFrom(ValueLayout.JAVA_LONG,
                    rightPadding(in.dim(2), out.dim(2), w.kernelH(), w.strideH(), w.padH(), w.dilationH()),
                    rightPadding(in.dim(3), out.dim(3), w.kernelW(), w.strideW(), w.padW(), w.dilationW()));
            int algorithm = algorithm(spec.mode());
            PrimitiveAttributes attributes = PrimitiveAttributes.create(resources, PostOp.NONE);

            PrimitiveDesc inferencePd = forward(engine, dnnl_h.dnnl_forward_inference(), algorithm, source, output,
                    strides, kernel, dilation, padLeft, padRight, attributes);
            PrimitiveDesc trainingPd = forward(engine, dnnl_h.dnnl_forward_training(), algorithm, source, output,
                    strides, kernel, dilation, padLeft, padRight, attributes);
            MemorySegment slot = resources.handleSlot();
            int status = dnnl_h.dnnl_pooling_backward_primitive_desc_create(slot, engine.engine(), algorithm,
                    source.handle(), output.handle(), strides, kernel, dilation, padLeft, padRight,
                    trainingPd.handle(), attributes.handle());
            PrimitiveDesc backwardPd = PrimitiveDesc.own(resources, status,
                    "dnnl_pooling_backward_primitive_desc_create", slot);
            implementation = "forward " + inferencePd.implementation() + ", training " + trainingPd.implementation()
                    + ", backward " + backwardPd.implementation();

            MemoryDesc workspace = workspaceOf(trainingPd);
            userSource = OneDnnMemory.unbound(resources, engine, source);
            userOutput = OneDnnMemory.unbound(resources, engine, output);
            userWorkspace = workspace == null ? null : OneDnnMemory.unbound(resources, engine, workspace);
            workspaceShape = workspace == null ? null : Shape.of(Math.toIntExact(workspace.byteSize()));

            inference = new ExecutionPlan(resources, engine);
            inference.add("pooling forward", inferencePd, new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_DST()},
                    userSource, userOutput).compile();
            training = new ExecutionPlan(resources, engine);
            backward = new ExecutionPlan(resources, engine);
            if (userWorkspace == null) {
                training.add("pooling forward training", trainingPd,
                        new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_DST()}, userSource, userOutput);
                backward.add("pooling backward", backwardPd,
                        new int[] {dnnl_h.DNNL_ARG_DIFF_DST(), dnnl_h.DNNL_ARG_DIFF_SRC()}, userOutput, userSource);
            } else {
                training.add("pooling forward training", trainingPd,
                        new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_DST(), dnnl_h.DNNL_ARG_WORKSPACE()},
                        userSource, userOutput, userWorkspace);
                backward.add("pooling backward", backwardPd, new int[] {dnnl_h.DNNL_ARG_DIFF_DST(),
                    dnnl_h.DNNL_ARG_WORKSPACE(), dnnl_h.DNNL_ARG_DIFF_SRC()}, userOutput, userWorkspace, userSource);
            }
            training.compile();
            backward.compile();
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    /** Throws {@code dnnl_unimplemented} (so the backend falls back to Java) where oneDNN's answer is not PyTorch's. */
    private static void requireOneDnnMatchesPyTorch(Pool2dSpec spec) {
        Window2d w = spec.window();
        Shape in = spec.input();
        Shape out = spec.outputShape();
        if (spec.mode() == PoolingMode.AVG_INCLUDE_PAD
                && (overhangsPadding(in.dim(2), out.dim(2), w.kernelH(), w.strideH(), w.padH())
                || overhangsPadding(in.dim(3), out.dim(3), w.kernelW(), w.strideW(), w.padW()))) {
            throw new OneDnnException("jdnn: average pooling counting padding, with a ceil-mode window past the"
                    + " padding (PyTorch's divisor stops at the padding, oneDNN's is the kernel's area)",
                    dnnl_h.dnnl_unimplemented());
        }
        if (spec.mode() == PoolingMode.MAX
                && (hasEmptyWindow(in.dim(2), out.dim(2), w.kernelH(), w.strideH(), w.padH(), w.dilationH())
                || hasEmptyWindow(in.dim(3), out.dim(3), w.kernelW(), w.strideW(), w.padW(), w.dilationW()))) {
            throw new OneDnnException("jdnn: a dilated max-pooling window without input elements (PyTorch answers"
                    + " -infinity)", dnnl_h.dnnl_unimplemented());
        }
    }

    /** Whether the last window (no dilation) reaches past {@code size + pad}: only in ceil mode. */
    private static boolean overhangsPadding(int size, int outputSize, int kernel, int stride, int pad) {
        return (long) (outputSize - 1) * stride - pad + kernel > (long) size + pad;
    }

    /** Whether some window along an axis has no tap inside {@code [0, size)}. */
    private static boolean hasEmptyWindow(int size, int outputSize, int kernel, int stride, int pad, int dilation) {
        for (int o = 0; o < outputSize; o++) {
            boolean inside = false;
            for (int t = 0; t < kernel && !inside; t++) {
                long position = (long) o * stride - pad + (long) t * dilation;
                inside = position >= 0 && position < size;
            }
            if (!inside) {
                return true;
            }
        }
        return false;
    }

    /**
     * The right padding that makes oneDNN's floor formula {@code (size + left + right - span) / stride + 1} give
     * PyTorch's output size: the symmetric padding, or more where ceil mode added a last window.
     */
    static long rightPadding(int size, int outputSize, int kernel, int stride, int pad, int dilation) {
        long span = (long) (kernel - 1) * dilation + 1;
        return Math.max(pad, (long) (outputSize - 1) * stride + span - size - pad);
    }

    private static int algorithm(PoolingMode mode) {
        return switch (mode) {
            case MAX -> dnnl_h.dnnl_pooling_max();
            case AVG_INCLUDE_PAD -> dnnl_h.dnnl_pooling_avg_include_padding();
            case AVG_EXCLUDE_PAD -> dnnl_h.dnnl_pooling_avg_exclude_padding();
        };
    }

    private PrimitiveDesc forward(OneDnnEngine engine, int propKind, int algorithm, MemoryDesc source,
                                  MemoryDesc output, MemorySegment strides, MemorySegment kernel,
                                  MemorySegment dilation, MemorySegment padLeft, MemorySegment padRight,
                                  PrimitiveAttributes attributes) {
        MemorySegment slot = resources.handleSlot();
        int status = dnnl_h.dnnl_pooling_forward_primitive_desc_create(slot, engine.engine(), propKind, algorithm,
                source.handle(), output.handle(), strides, kernel, dilation, padLeft, padRight, attributes.handle());
        return PrimitiveDesc.own(resources, status, "dnnl_pooling_forward_primitive_desc_create", slot);
    }

    /** The workspace a training primitive keeps, or {@code null} when it keeps none. */
    static MemoryDesc workspaceOf(PrimitiveDesc training) {
        MemorySegment md = dnnl_h.dnnl_primitive_desc_query_md(training.handle(), dnnl_h.dnnl_query_workspace_md(), 0);
        if (md.equals(MemorySegment.NULL)) {
            return null;
        }
        MemoryDesc workspace = new MemoryDesc(md);
        return workspace.byteSize() == 0 ? null : workspace;
    }

    @Override
    public Pool2dSpec spec() {
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
        userSource.bind(input.segment("pool2d: input"));
        userOutput.bind(output.segment("pool2d: output"));
        inference.execute();
    }

    @Override
    public void forwardTraining(Tensor input, Tensor output, Tensor workspace) {
        PoolingArguments.requirePlain(spec, "the training forward pass");
        PoolingArguments.checkForward(spec, input, output);
        PoolingArguments.checkWorkspace(workspaceShape, workspace, "pool2d: workspace");
        requireOpen();
        userSource.bind(input.segment("pool2d: input"));
        userOutput.bind(output.segment("pool2d: output"));
        if (userWorkspace != null) {
            userWorkspace.bind(workspace.segment("pool2d: workspace"));
        }
        training.execute();
    }

    @Override
    public void backward(Tensor gradOutput, Tensor workspace, Tensor gradInput) {
        PoolingArguments.requirePlain(spec, "the backward pass");
        PoolingArguments.checkBackward(spec, gradOutput, gradInput);
        PoolingArguments.checkWorkspace(workspaceShape, workspace, "pool2d backward: workspace");
        requireOpen();
        userOutput.bind(gradOutput.segment("pool2d backward: gradOutput"));
        userSource.bind(gradInput.segment("pool2d backward: gradInput"));
        if (userWorkspace != null) {
            userWorkspace.bind(workspace.segment("pool2d backward: workspace"));
        }
        backward.execute();
    }
}
