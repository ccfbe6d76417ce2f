package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_h;
import dev.jdnn.engine.backend.Conv2dSpec;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.tensor.Shape;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A {@link Conv2dSpec} in oneDNN's terms, and the convolution descriptors made with it: the dims of source
 * {@code (N, C, H, W)}, weights ({@code (OC, C, KH, KW)}, or {@code (G, OC/G, C/G, KH, KW)} with groups: the same
 * memory as PyTorch's {@code (OC, C/groups, KH, KW)}) and output; strides; dilation counted from 0 (no gaps), where
 * PyTorch counts from 1; symmetric padding (oneDNN checks {@code (in + left + right - extent) / stride + 1 == out}
 * with floor division, as PyTorch defines the output size).
 */
record ConvolutionGeometry(long[] sourceDims, long[] weightDims, int weightTag, long[] outputDims,
                           MemorySegment strides, MemorySegment dilates, MemorySegment padding) {

    /** The geometry of {@code spec}, its arrays in {@code arena}. */
    static ConvolutionGeometry of(Arena arena, Conv2dSpec spec) {
        Shape in = spec.input();
        Shape out = spec.outputShape();
        int groups = spec.groups();
        Window2d w = spec.window();
        long[] weightDims = groups == 1
                ? new long[] {spec.outChannels(), in.dim(1), w.kernelH(), w.kernelW()}
                : new long[] {groups, spec.outChannels() / groups, in.dim(1) / groups, w.kernelH(), w.kernelW()};
        return new ConvolutionGeometry(
                new long[] {in.dim(0), in.dim(1), in.dim(2), in.dim(3)}, weightDims,
                groups == 1 ? dnnl_h.dnnl_oihw() : dnnl_h.dnnl_goihw(),
                new long[] {out.dim(0), out.dim(1), out.dim(2), out.dim(3)},
                arena.allocateFrom(ValueLayout.JAVA_LONG, w.strideH(), w.strideW()),
                arena.allocateFrom(ValueLayout.JAVA_LONG, w.dilationH() - 1L, w.dilationW() - 1L),
                arena.allocateFrom(ValueLayout.JAVA_LONG, w.padH(), w.padW()));
    }

    /** A forward convolution ({@code dnnl_forward_inference} or {@code dnnl_forward_training}). */
    PrimitiveDesc forward(NativeResources resources, OneDnnEngine engine, int propKind, MemoryDesc source,
                          MemoryDesc weights, MemoryDesc bias, MemoryDesc output, PrimitiveAttributes attributes) {
        MemorySegment slot = resources.handleSlot();
        int status = dnnl_h.dnnl_convolution_forward_primitive_desc_create(slot, engine.engine(), propKind,
                dnnl_h.dnnl_convolution_direct(), source.handle(), weights.handle(),
                bias == null ? MemorySegment.NULL : bias.handle(), output.handle(), strides, dilates, padding,
                padding, attributes.handle());
        return PrimitiveDesc.own(resources, status, "dnnl_convolution_forward_primitive_desc_create", slot);
    }

    /** The backward-data pass, with the forward-training descriptor {@code hint}. */
    PrimitiveDesc backwardData(NativeResources resources, OneDnnEngine engine, MemoryDesc gradSource,
                               MemoryDesc weights, MemoryDesc gradOutput, PrimitiveDesc hint,
                               PrimitiveAttributes attributes) {
        MemorySegment slot = resources.handleSlot();
        int status = dnnl_h.dnnl_convolution_backward_data_primitive_desc_create(slot, engine.engine(),
                dnnl_h.dnnl_convolution_direct(), gradSource.handle(), weights.handle(), gradOutput.handle(),
                strides, dilates, padding, padding, hint.handle(), attributes.handle());
        return PrimitiveDesc.own(resources, status, "dnnl_convolution_backward_data_primitive_desc_create", slot);
    }

    /** The backward-weights pass (and the bias gradient when {@code gradBias} is given), with {@code hint}. */
    PrimitiveDesc backwardWeights(NativeResources resources, OneDnnEngine engine, MemoryDesc source,
                                  MemoryDesc gradWeights, MemoryDesc gradBias, MemoryDesc gradOutput,
                                  PrimitiveDesc hint, PrimitiveAttributes attributes) {
        MemorySegment slot = resources.handleSlot();
        int status = dnnl_h.dnnl_convolution_backward_weights_primitive_desc_create(slot, engine.engine(),
                dnnl_h.dnnl_convolution_direct(), source.handle(), gradWeights.handle(),
                gradBias == null ? MemorySegment.NULL : gradBias.handle(), gradOutput.handle(), strides, dilates,
                padding, padding, hint.handle(), attributes.handle());
        return PrimitiveDesc.own(resources, status, "dnnl_convolution_backward_weights_primitive_desc_create",
                slot);
    }
}
