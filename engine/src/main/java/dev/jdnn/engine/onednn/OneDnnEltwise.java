package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_h;
import dev.jdnn.engine.backend.Eltwise;
import dev.jdnn.engine.backend.EltwiseArguments;
import dev.jdnn.engine.backend.EltwiseSpec;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.kernel.Activation;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A oneDNN f32 eltwise primitive for one {@link EltwiseSpec}, forward ({@code forward_training}) and backward, on the
 * caller's tensors directly (zero-copy, no reorders).
 *
 * <p><b>Layout.</b> Eltwise takes the layout of its input and our tensors are dense, so every tensor is described as
 * one axis of {@code elementCount} elements (tag {@code a}) whatever its rank: the rank carries nothing an element-wise
 * map needs, oneDNN's dense path flattens anyway, and one axis works for every rank (0 included, beyond oneDNN's 12).
 *
 * <p><b>Algorithms</b> (oneDNN's definitions checked against PyTorch's): ReLU is {@code relu} with alpha 0; Tanh
 * {@code tanh}; Sigmoid {@code logistic}; SiLU {@code swish} with alpha 1 ({@code s / (1 + exp(-alpha s))});
 * Hardswish {@code hardswish} and Hardsigmoid {@code hardsigmoid} with alpha 1/6, beta 1/2
 * ({@code s · max(0, min(1, alpha s + beta))} and {@code max(0, min(1, alpha s + beta))}, which are PyTorch's
 * {@code x · relu6(x + 3) / 6} and {@code relu6(x + 3) / 6}). ReLU, Tanh and Sigmoid use the
 * {@code _use_dst_for_bwd} variants: their gradient comes from the forward's output, as PyTorch saves it and as the
 * Java kernels compute it, so a forward run in place ({@code inplace=True}, input overwritten) can be differentiated
 * and both backends need the same tensor; the forward descriptor uses the same variant, as oneDNN requires of the
 * backward's hint.
 *
 * <p><b>Where oneDNN differs from PyTorch (and the Java backend).</b> Away from these points both agree within a few
 * ulp. Hardswish's gradient at its breakpoints: oneDNN gives {@code 0} at {@code x = -3} and {@code dy} at
 * {@code x = 3} (the one-sided derivatives from outside the ramp), PyTorch {@code -0.5 dy} and {@code 1.5 dy} (from
 * inside); both are one-sided derivatives, so both valid subgradients (and within an ulp of ±3
 * oneDNN's branch follows its f32 rounding of {@code (1/6)·x + 1/2}). NaN: the JIT kernels compute ReLU as a max
 * against 0 and Hardsigmoid as a max/min clamp, which drop a NaN, so ReLU(NaN) = 0 and Hardsigmoid(NaN) = 1 there
 * (PyTorch and the Java backend give NaN); every other forward keeps NaN, and the gradients at NaN are PyTorch's.
 * Zero results may carry either sign. {@code EltwiseTest} pins all of this.
 *
 * <p>Native objects are made at construction and freed by {@link #close()}; a run allocates nothing.
 */
public final class OneDnnEltwise extends OneDnnOperation implements Eltwise {

    private static final float SIXTH = 1f / 6f;

    private final EltwiseSpec spec;
    private final String forwardImplementation;
    private final String backwardImplementation;
    private final OneDnnMemory source;         // (elementCount), the forward's input
    private final OneDnnMemory destination;    // (elementCount), the forward's output
    private final OneDnnMemory data;           // (elementCount), what the backward reads: output or input
    private final OneDnnMemory diffDestination; // (elementCount), gradOutput
    private final OneDnnMemory diffSource;     // (elementCount), gradInput
    private final ExecutionPlan forwardPlan;
    private final ExecutionPlan backwardPlan;

    OneDnnEltwise(OneDnnEngine engine, EltwiseSpec spec) {
        super(spec.name() + ": this oneDNN eltwise " + spec);
        this.spec = spec;
        try {
            Activation f = spec.function();
            int algorithm = algorithm(f);
            float alpha = alpha(f);
            float beta = beta(f);
            MemoryDesc desc = MemoryDesc.f32(resources, new long[] {spec.shape().elementCount()}, dnnl_h.dnnl_a());

            MemorySegment slot = resources.handleSlot();
            int status = dnnl_h.dnnl_eltwise_forward_primitive_desc_create(slot, engine.engine(),
                    dnnl_h.dnnl_forward_training(), algorithm, desc.handle(), desc.handle(), alpha, beta,
                    PrimitiveAttributes.create(resources, PostOp.NONE).handle());
            PrimitiveDesc forward = PrimitiveDesc.own(resources, status, "dnnl_eltwise_forward_primitive_desc_create",
                    slot);
            slot = resources.handleSlot();
            status = dnnl_h.dnnl_eltwise_backward_primitive_desc_create(slot, engine.engine(), algorithm,
                    desc.handle(), desc.handle(), desc.handle(), alpha, beta, forward.handle(),
                    PrimitiveAttributes.create(resources, PostOp.NONE).handle());
            PrimitiveDesc backward = PrimitiveDesc.own(resources, status,
                    "dnnl_eltwise_backward_primitive_desc_create", slot);
            forwardImplementation = forward.implementation();
            backwardImplementation = backward.implementation();

            source = OneDnnMemory.unbound(resources, engine, desc);
            destination = OneDnnMemory.unbound(resources, engine, desc);
            data = OneDnnMemory.unbound(resources, engine, desc);
            diffDestination = OneDnnMemory.unbound(resources, engine, desc);
            diffSource = OneDnnMemory.unbound(resources, engine, desc);
            forwardPlan = new ExecutionPlan(resources, engine)
                    .add("eltwise forward", forward, new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_DST()},
                            source, destination)
                    .compile();
            int dataKind = f.gradientFromOutput() ? dnnl_h.DNNL_ARG_DST() : dnnl_h.DNNL_ARG_SRC();
            backwardPlan = new ExecutionPlan(resources, engine)
                    .add("eltwise backward", backward,
                            new int[] {dataKind, dnnl_h.DNNL_ARG_DIFF_DST(), dnnl_h.DNNL_ARG_DIFF_SRC()},
                            data, diffDestination, diffSource)
                    .compile();
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    /** oneDNN's algorithm for {@code f}: the {@code _use_dst_for_bwd} variant where the gradient comes from y. */
    private static int algorithm(Activation f) {
        return switch (f) {
            case RELU -> dnnl_h.dnnl_eltwise_relu_use_dst_for_bwd();
            case TANH -> dnnl_h.dnnl_eltwise_tanh_use_dst_for_bwd();
            case SIGMOID -> dnnl_h.dnnl_eltwise_logistic_use_dst_for_bwd();
            case SILU -> dnnl_h.dnnl_eltwise_swish();
            case HARDSWISH -> dnnl_h.dnnl_eltwise_hardswish();
            case HARDSIGMOID -> dnnl_h.dnnl_eltwise_hardsigmoid();
        };
    }

    private static float alpha(Activation f) {
        return switch (f) {
            case RELU, TANH, SIGMOID -> 0f; // ReLU's negative slope; unused by tanh and logistic
            case SILU -> 1f;                // swish: s · sigmoid(alpha · s)
            case HARDSWISH, HARDSIGMOID -> SIXTH;
        };
    }

    private static float beta(Activation f) {
        return f == Activation.HARDSWISH || f == Activation.HARDSIGMOID ? 0.5f : 0f;
    }

    @Override
    public EltwiseSpec spec() {
        return spec;
    }

    /** The implementations oneDNN chose, forward then backward ({@code jit:avx2}, ...; {@code ref:} is slow). */
    public List<String> implementations() {
        return List.of(forwardImplementation, backwardImplementation);
    }

    @Override
    public void forward(Tensor input, Tensor output) {
        EltwiseArguments.checkForward(spec, input, output);
        requireOpen();
        source.bind(input.segment());
        destination.bind(output.segment());
        forwardPlan.execute();
    }

    @Override
    public void backward(Tensor input, Tensor output, Tensor gradOutput, Tensor gradInput) {
        EltwiseArguments.checkBackward(spec, input, output, gradOutput, gradInput);
        requireOpen();
        data.bind(spec.function().gradientFromOutput() ? output.segment() : input.segment());
        diffDestination.bind(gradOutput.segment());
        diffSource.bind(gradInput.segment());
        backwardPlan.execute();
    }
}
