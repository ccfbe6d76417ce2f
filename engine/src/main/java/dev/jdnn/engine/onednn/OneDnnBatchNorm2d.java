package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_h;
import dev.jdnn.engine.backend.BatchNorm2d;
import dev.jdnn.engine.backend.BatchNormArguments;
import dev.jdnn.engine.backend.BatchNormSpec;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * oneDNN's f32 batch normalization for one {@link BatchNormSpec}: three primitives made at construction, an inference
 * forward ({@code dnnl_use_global_stats | dnnl_use_scale | dnnl_use_shift}), a training forward
 * ({@code dnnl_use_scale | dnnl_use_shift}, writing mean and variance) and the backward ({@code dnnl_backward}, with the
 * training descriptor as hint, computing the scale and shift gradients too).
 *
 * <p>Layout: every primitive works on the caller's plain NCHW memory directly (zero-copy; batch norm takes the source
 * layout it is given, there is no {@code format_tag_any} for it). Batch norm is memory-bound, a few passes over the
 * data; reordering to a blocked layout and back would add two full read-write passes per call, more than a blocked
 * kernel could save, and the inference compiler will mostly fold batch norm into the convolution anyway. Training
 * needs no workspace (no fused ReLU). {@link #forwardInference} may run in place, which oneDNN supports. On NCHW
 * oneDNN 3.11 picks {@code ncsp_bnorm:any} for all three passes (its compiled plain-layout kernel, not {@code ref:};
 * the jit kernels are for blocked and channels-last layouts).
 *
 * <p>Everything native is made at construction and freed by {@link #close()}; a run binds the tensors and executes.
 */
public final class OneDnnBatchNorm2d extends OneDnnOperation implements BatchNorm2d {

    private static final String OP = "batchnorm2d: ";

    private final BatchNormSpec spec;
    private final String inferenceImplementation;
    private final String trainingImplementation;
    private final String backwardImplementation;
    // (N, C, H, W) nchw, bound per run
    private final OneDnnMemory source;
    private final OneDnnMemory destination;
    private final OneDnnMemory diffDestination;
    private final OneDnnMemory diffSource;
    // (C), bound per run
    private final OneDnnMemory mean;
    private final OneDnnMemory variance;
    private final OneDnnMemory scale;
    private final OneDnnMemory shift;
    private final OneDnnMemory diffScale;
    private final OneDnnMemory diffShift;
    private final ExecutionPlan inference;
    private final ExecutionPlan training;
    private final ExecutionPlan backward;

    OneDnnBatchNorm2d(OneDnnEngine engine, BatchNormSpec spec) {
        super(OP + "this oneDNN batch norm " + spec);
        this.spec = spec;
        try {
            Shape in = spec.input();
            long[] dims = {in.dim(0), in.dim(1), in.dim(2), in.dim(3)};
            MemoryDesc data = MemoryDesc.f32(resources, dims, MemoryDesc.tag(spec.format()));
            MemoryDesc channel = MemoryDesc.f32(resources, new long[] {in.dim(1)}, dnnl_h.dnnl_a());
            float epsilon = (float) spec.epsilon();
            int scaleShift = dnnl_h.dnnl_use_scale() | dnnl_h.dnnl_use_shift();

            // fuse_norm_relu: max(y, 0) in the same pass (inference only; training and backward refuse such a spec)
            PrimitiveDesc inferencePd = forward(engine, dnnl_h.dnnl_forward_inference(), data, epsilon,
                    scaleShift | dnnl_h.dnnl_use_global_stats() | (spec.relu() ? dnnl_h.dnnl_fuse_norm_relu() : 0));
            PrimitiveDesc trainingPd = forward(engine, dnnl_h.dnnl_forward_training(), data, epsilon, scaleShift);
            MemorySegment slot = resources.handleSlot();
            int status = dnnl_h.dnnl_batch_normalization_backward_primitive_desc_create(slot, engine.engine(),
                    dnnl_h.dnnl_backward(), data.handle(), data.handle(), data.handle(), epsilon, scaleShift,
                    trainingPd.handle(), PrimitiveAttributes.create(resources, PostOp.NONE).handle());
            PrimitiveDesc backwardPd = PrimitiveDesc.own(resources, status,
                    "dnnl_batch_normalization_backward_primitive_desc_create", slot);
            inferenceImplementation = inferencePd.implementation();
            trainingImplementation = trainingPd.implementation();
            backwardImplementation = backwardPd.implementation();
            requireLayout(inferencePd, dnnl_h.dnnl_query_src_md(), data, "inference source");
            requireLayout(inferencePd, dnnl_h.dnnl_query_dst_md(), data, "inference destination");
            requireLayout(trainingPd, dnnl_h.dnnl_query_dst_md(), data, "training destination");
            requireLayout(backwardPd, dnnl_h.dnnl_query_diff_src_md(), data, "backward diff source");
            requireLayout(backwardPd, dnnl_h.dnnl_query_diff_dst_md(), data, "backward diff destination");
            if (trainingPd.query(dnnl_h.dnnl_query_workspace_md(), "workspace").byteSize() != 0) {
                throw new IllegalStateException(OP + "oneDNN asked for a workspace for training without fused ReLU");
            }

            source = OneDnnMemory.unbound(resources, engine, data);
            destination = OneDnnMemory.unbound(resources, engine, data);
            diffDestination = OneDnnMemory.unbound(resources, engine, data);
            diffSource = OneDnnMemory.unbound(resources, engine, data);
            mean = OneDnnMemory.unbound(resources, engine, channel);
            variance = OneDnnMemory.unbound(resources, engine, channel);
            scale = OneDnnMemory.unbound(resources, engine, channel);
            shift = OneDnnMemory.unbound(resources, engine, channel);
            diffScale = OneDnnMemory.unbound(resources, engine, channel);
            diffShift = OneDnnMemory.unbound(resources, engine, channel);

            inference = new ExecutionPlan(resources, engine).add("batch normalization inference", inferencePd,
                    new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_MEAN(), dnnl_h.DNNL_ARG_VARIANCE(),
                        dnnl_h.DNNL_ARG_SCALE(), dnnl_h.DNNL_ARG_SHIFT(), dnnl_h.DNNL_ARG_DST()},
                    source, mean, variance, scale, shift, destination).compile();
            training = new ExecutionPlan(resources, engine).add("batch normalization training", trainingPd,
                    new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_SCALE(), dnnl_h.DNNL_ARG_SHIFT(),
                        dnnl_h.DNNL_ARG_DST(), dnnl_h.DNNL_ARG_MEAN(), dnnl_h.DNNL_ARG_VARIANCE()},
                    source, scale, shift, destination, mean, variance).compile();
            backward = new ExecutionPlan(resources, engine).add("batch normalization backward", backwardPd,
                    new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_DIFF_DST(), dnnl_h.DNNL_ARG_MEAN(),
                        dnnl_h.DNNL_ARG_VARIANCE(), dnnl_h.DNNL_ARG_SCALE(), dnnl_h.DNNL_ARG_DIFF_SRC(),
                        dnnl_h.DNNL_ARG_DIFF_SCALE(), dnnl_h.DNNL_ARG_DIFF_SHIFT()},
                    source, diffDestination, mean, variance, scale, diffSource, diffScale, diffShift).compile();
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    private PrimitiveDesc forward(OneDnnEngine engine, int propKind, MemoryDesc data, float epsilon, int flags) {
        MemorySegment slot = resources.handleSlot();
        int status = dnnl_h.dnnl_batch_normalization_forward_primitive_desc_create(slot, engine.engine(), propKind,
                data.handle(), data.handle(), epsilon, flags,
                PrimitiveAttributes.create(resources, PostOp.NONE).handle());
        return PrimitiveDesc.own(resources, status, "dnnl_batch_normalization_forward_primitive_desc_create", slot);
    }

    /** Zero-copy binding relies on oneDNN keeping the plain layout we described; say so loudly if it did not. */
    private static void requireLayout(PrimitiveDesc pd, int query, MemoryDesc expected, String what) {
        if (!pd.query(query, what).sameLayout(expected)) {
            throw new IllegalStateException(OP + "oneDNN chose a non-NCHW layout for the " + what);
        }
    }

    @Override
    public BatchNormSpec spec() {
        return spec;
    }

    /** The implementations oneDNN chose for inference, training and backward ({@code ref:...} is slow). */
    public String implementation() {
        return "inference " + inferenceImplementation + ", training " + trainingImplementation + ", backward "
                + backwardImplementation;
    }

    @Override
    public void forwardInference(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                 Tensor output) {
        BatchNormArguments.checkInference(spec, input, runningMean, runningVar, weight, bias, output);
        requireOpen();
        source.bind(input.segment(OP + "input"));
        mean.bind(runningMean.segment(OP + "runningMean"));
        variance.bind(runningVar.segment(OP + "runningVar"));
        scale.bind(weight.segment(OP + "weight"));
        shift.bind(bias.segment(OP + "bias"));
        destination.bind(output.segment(OP + "output"));
        inference.execute();
    }

    @Override
    public void forwardTraining(Tensor input, Tensor weight, Tensor bias, Tensor output, Tensor saveMean,
                                Tensor saveVar) {
        BatchNormArguments.checkTraining(spec, input, weight, bias, output, saveMean, saveVar);
        requireOpen();
        source.bind(input.segment(OP + "input"));
        scale.bind(weight.segment(OP + "weight"));
        shift.bind(bias.segment(OP + "bias"));
        destination.bind(output.segment(OP + "output"));
        mean.bind(saveMean.segment(OP + "saveMean"));
        variance.bind(saveVar.segment(OP + "saveVar"));
        training.execute();
    }

    @Override
    public void backward(Tensor input, Tensor gradOutput, Tensor saveMean, Tensor saveVar, Tensor weight,
                         Tensor gradInput, Tensor gradWeight, Tensor gradBias) {
        BatchNormArguments.checkBackward(spec, input, gradOutput, saveMean, saveVar, weight, gradInput, gradWeight,
                gradBias);
        requireOpen();
        source.bind(input.segment(OP + "input"));
        diffDestination.bind(gradOutput.segment(OP + "gradOutput"));
        mean.bind(saveMean.segment(OP + "saveMean"));
        variance.bind(saveVar.segment(OP + "saveVar"));
        scale.bind(weight.segment(OP + "weight"));
        diffSource.bind(gradInput.segment(OP + "gradInput"));
        diffScale.bind(gradWeight.segment(OP + "gradWeight"));
        diffShift.bind(gradBias.segment(OP + "gradBias"));
        backward.execute();
    }
}
