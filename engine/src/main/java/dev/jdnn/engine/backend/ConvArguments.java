package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;

/** The argument checks every backend's convolution runs before touching memory. */
public final class ConvArguments {

    private ConvArguments() {
    }

    /** Checks shapes, dtype and open-ness of the forward arguments against {@code spec}. */
    public static void checkForward(Conv2dSpec spec, Tensor input, Tensor weight, Tensor bias, Tensor output) {
        checkInputOutput(spec, input, output);
        checkParameters(spec, weight, bias);
    }

    /** Checks the input and output of a forward run against {@code spec}. */
    public static void checkInputOutput(Conv2dSpec spec, Tensor input, Tensor output) {
        Shape in = spec.input();
        LayoutChecks.require(input, spec.inputFormat(), in, "conv2d: input");
        LayoutChecks.require(output, DType.F32, spec.outputFormat(), in.dim(0), spec.outChannels(),
                spec.window().outputHeight(in.dim(2)), spec.window().outputWidth(in.dim(3)), "conv2d: output");
    }

    /** Checks weight and bias against {@code spec}: the bias must be null exactly when the spec has none. */
    public static void checkParameters(Conv2dSpec spec, Tensor weight, Tensor bias) {
        TensorChecks.f32(weight, "conv2d: weight").shape().requireEqual(spec.weightShape(), "conv2d: weight");
        if (spec.bias()) {
            if (bias == null) {
                throw new IllegalArgumentException("conv2d: bias is missing; the convolution was compiled with a bias "
                        + spec.biasShape());
            }
            TensorChecks.f32(bias, "conv2d: bias").shape().requireEqual(spec.biasShape(), "conv2d: bias");
        } else if (bias != null) {
            throw new IllegalArgumentException("conv2d: bias must be null; the convolution was compiled without one");
        }
    }
}
