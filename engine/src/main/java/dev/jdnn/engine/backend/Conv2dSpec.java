package dev.jdnn.engine.backend;

import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.tensor.Shape;

/**
 * Everything that fixes a 2-D convolution's primitive: input shape {@code (N, C, H, W)}, output channels, window
 * (kernel, stride, padding, dilation; never ceil mode), groups, whether there is a bias, the post-op, and the layouts
 * of input and output. Backends compile one {@link Conv2dForward} per spec and reuse it.
 *
 * <p>Shapes here are logical ({@code (N, C, H, W)}); a tensor in {@link TensorFormat#NHWC} holds the physical shape
 * ({@link #inputTensorShape()}, {@link #outputTensorShape()}). Channels-last input or output is for the forward pass
 * (what an inference session keeps between oneDNN's convolutions); backward passes are NCHW only.
 */
public record Conv2dSpec(Shape input, int outChannels, Window2d window, int groups, boolean bias, PostOp postOp,
                         TensorFormat inputFormat, TensorFormat outputFormat) {

    /** A convolution on plain NCHW tensors. */
    public Conv2dSpec(Shape input, int outChannels, Window2d window, int groups, boolean bias, PostOp postOp) {
        this(input, outChannels, window, groups, bias, postOp, TensorFormat.NCHW, TensorFormat.NCHW);
    }

    public Conv2dSpec {
        input.requireRank(4, "conv2d: input", "N, C, H, W");
        if (inputFormat == null || outputFormat == null) {
            throw new IllegalArgumentException("conv2d: input and output formats must not be null");
        }
        if (outChannels <= 0) {
            throw new IllegalArgumentException("conv2d: output channels must be positive, got " + outChannels);
        }
        if (groups <= 0 || input.dim(1) % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("conv2d: groups (" + groups + ") must divide the input channels ("
                    + input.dim(1) + ") and the output channels (" + outChannels + ")");
        }
        if (window.ceilMode()) {
            throw new IllegalArgumentException("conv2d: the window must not use ceil mode, got " + window);
        }
        window.outputHeight(input.dim(2)); // fails clearly when the window does not fit
        window.outputWidth(input.dim(3));
    }

    /** This spec with input and output in {@code inputFormat} and {@code outputFormat}. */
    public Conv2dSpec withFormats(TensorFormat inputFormat, TensorFormat outputFormat) {
        return new Conv2dSpec(input, outChannels, window, groups, bias, postOp, inputFormat, outputFormat);
    }

    /** Whether input and output are both plain NCHW. */
    public boolean isPlain() {
        return inputFormat == TensorFormat.NCHW && outputFormat == TensorFormat.NCHW;
    }

    /** The input tensor's shape: {@link #input()} in {@link #inputFormat()}. */
    public Shape inputTensorShape() {
        return inputFormat.physicalShape(input);
    }

    /** The output tensor's shape: {@link #outputShape()} in {@link #outputFormat()}. */
    public Shape outputTensorShape() {
        return outputFormat.physicalShape(outputShape());
    }

    /** {@code (OC, C/groups, KH, KW)}. */
    public Shape weightShape() {
        return Shape.of(outChannels, input.dim(1) / groups, window.kernelH(), window.kernelW());
    }

    /** {@code (OC)}. */
    public Shape biasShape() {
        return Shape.of(outChannels);
    }

    /** {@code (N, OC, OH, OW)}. */
    public Shape outputShape() {
        return Shape.of(input.dim(0), outChannels, window.outputHeight(input.dim(2)), window.outputWidth(input.dim(3)));
    }

    /** Multiply-accumulates of one forward pass: {@code N·OC·OH·OW·(C/groups)·KH·KW}. */
    public long macs() {
        Shape out = outputShape();
        return out.elementCount() * (input.dim(1) / groups) * window.kernelH() * window.kernelW();
    }
}
