package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.tensor.TensorChecks;
import java.lang.foreign.MemorySegment;

/** The argument checks every backend's batch normalization runs before touching memory. */
public final class BatchNormArguments {

    private static final String OP = "batchnorm2d: ";

    private BatchNormArguments() {
    }

    /**
     * Shapes, dtype, open-ness and overlap of {@link BatchNorm2d#forwardInference}'s arguments. Allocates nothing
     * when they pass (it runs on every call of an inference session): messages are made only on failure.
     */
    public static void checkInference(BatchNormSpec spec, Tensor input, Tensor runningMean, Tensor runningVar,
                                      Tensor weight, Tensor bias, Tensor output) {
        LayoutChecks.require(input, spec.format(), spec.input(), OP + "input");
        LayoutChecks.require(output, spec.format(), spec.input(), OP + "output");
        MemorySegment y = output.segment();
        TensorChecks.requireSameOrDisjoint(y, "batchnorm2d: output", input.segment(), "input");
        requireChannelVector(spec, runningMean, y, "runningMean");
        requireChannelVector(spec, runningVar, y, "runningVar");
        requireChannelVector(spec, weight, y, "weight");
        requireChannelVector(spec, bias, y, "bias");
    }

    /** An open f32 {@code (C)} tensor apart from the output {@code y}; the message names it on failure. */
    private static void requireChannelVector(BatchNormSpec spec, Tensor tensor, MemorySegment y, String name) {
        boolean valid = tensor != null && tensor.isOpen() && tensor.dtype() == DType.F32
                && tensor.shape().rank() == 1 && tensor.shape().dim(0) == spec.channels()
                && !TensorChecks.overlap(y, tensor.segment());
        if (!valid) {
            Arg checked = perChannel(spec, tensor, name);
            TensorChecks.requireDisjoint(y, OP + "output", checked.memory, name);
        }
    }

    /** As {@link #checkInference} for {@link BatchNorm2d#forwardTraining}; also that there are 2+ values per channel. */
    public static void checkTraining(BatchNormSpec spec, Tensor input, Tensor weight, Tensor bias, Tensor output,
                                     Tensor saveMean, Tensor saveVar) {
        Arg x = activation(spec, input, "input");
        Arg w = perChannel(spec, weight, "weight");
        Arg b = perChannel(spec, bias, "bias");
        Arg y = activation(spec, output, "output");
        Arg mean = perChannel(spec, saveMean, "saveMean");
        Arg var = perChannel(spec, saveVar, "saveVar");
        requirePlain(spec, "training");
        requireTrainable(spec);
        y.requireDisjoint(x, w, b, mean, var);
        mean.requireDisjoint(x, w, b, var);
        var.requireDisjoint(x, w, b);
    }

    /** As {@link #checkInference} for {@link BatchNorm2d#backward}; also that there are 2+ values per channel. */
    public static void checkBackward(BatchNormSpec spec, Tensor input, Tensor gradOutput, Tensor saveMean,
                                     Tensor saveVar, Tensor weight, Tensor gradInput, Tensor gradWeight,
                                     Tensor gradBias) {
        Arg x = activation(spec, input, "input");
        Arg dy = activation(spec, gradOutput, "gradOutput");
        Arg mean = perChannel(spec, saveMean, "saveMean");
        Arg var = perChannel(spec, saveVar, "saveVar");
        Arg w = perChannel(spec, weight, "weight");
        Arg dx = activation(spec, gradInput, "gradInput");
        Arg dw = perChannel(spec, gradWeight, "gradWeight");
        Arg db = perChannel(spec, gradBias, "gradBias");
        requirePlain(spec, "the backward pass");
        requireTrainable(spec);
        dx.requireDisjoint(x, dy, mean, var, w, dw, db);
        dw.requireDisjoint(x, dy, mean, var, w, db);
        db.requireDisjoint(x, dy, mean, var, w);
    }

    /** Refuses a channels-last or ReLU-fused spec for training and backward passes (NCHW, plain only). */
    public static void requirePlain(BatchNormSpec spec, String pass) {
        if (spec.format() != TensorFormat.NCHW) {
            throw new IllegalArgumentException(OP + pass + " runs on NCHW tensors only; this batch norm is "
                    + spec.format() + " (channels-last is for inference)");
        }
        if (spec.relu()) {
            throw new IllegalArgumentException(OP + pass + " has no fused ReLU (it is for inference); use a spec"
                    + " without it and the ReLU's own backward");
        }
    }

    /** PyTorch refuses training statistics over a single value per channel (the variance would be 0/0 unbiased). */
    private static void requireTrainable(BatchNormSpec spec) {
        if (spec.valuesPerChannel() < 2) {
            throw new IllegalArgumentException(OP + "training needs more than 1 value per channel (N·H·W), got input "
                    + spec.input());
        }
    }

    /** A checked argument: its name for messages and its memory. */
    private record Arg(String name, MemorySegment memory) {

        void requireDisjoint(Arg... others) {
            for (Arg other : others) {
                TensorChecks.requireDisjoint(memory, OP + name, other.memory, other.name);
            }
        }
    }

    private static Arg activation(BatchNormSpec spec, Tensor tensor, String name) {
        LayoutChecks.require(tensor, spec.format(), spec.input(), OP + name);
        return new Arg(name, tensor.segment());
    }

    private static Arg perChannel(BatchNormSpec spec, Tensor tensor, String name) {
        return checked(tensor, name, spec.channelShape());
    }

    private static Arg checked(Tensor tensor, String name, Shape shape) {
        String what = OP + name;
        return new Arg(name, TensorChecks.f32(tensor, shape, what).segment(what));
    }
}
