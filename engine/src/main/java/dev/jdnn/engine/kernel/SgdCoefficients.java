package dev.jdnn.engine.kernel;

/**
 * The f32 scalars of one SGD step, each rounded from the double hyper-parameter once, as ATen rounds a Python scalar
 * for an f32 tensor.
 *
 * @param negativeLr  {@code (float) -lr}
 * @param weightDecay {@code (float) weight_decay}; 0 skips the decay term
 * @param momentum    {@code (float) momentum}
 * @param gradScale   {@code (float) (1 - dampening)}
 * @param nesterov    whether the step looks ahead along the buffer
 * @param firstStep   whether the momentum buffer is being created (it is set to the gradient)
 */
public record SgdCoefficients(float negativeLr, float weightDecay, float momentum, float gradScale, boolean nesterov,
                              boolean firstStep) {

    /** The coefficients of a step with these (already validated) hyper-parameters. */
    public static SgdCoefficients of(double lr, double momentum, double dampening, double weightDecay,
                                     boolean nesterov, boolean firstStep) {
        return new SgdCoefficients((float) -lr, (float) weightDecay, (float) momentum, (float) (1 - dampening),
                nesterov, firstStep);
    }
}
