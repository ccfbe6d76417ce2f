package dev.jdnn.engine.kernel;

/**
 * The f32 scalars of one Adam or AdamW step. As in PyTorch's single-tensor Adam, the step-dependent scalars are
 * computed in double ({@code bias_correction1 = 1 - β1^t}, {@code step_size = lr / bias_correction1},
 * {@code bias_correction2_sqrt = sqrt(1 - β2^t)}) and each is rounded to f32 once where it meets the tensors.
 *
 * @param decoupled           AdamW: decay the parameter by {@code decayFactor} instead of adding {@code wd·p} to
 *                            the gradient
 * @param decayFactor         {@code (float) (1 - lr·wd)} (AdamW only)
 * @param weightDecay         {@code (float) wd} (Adam's L2 term); 0 skips it
 * @param lerpWeight          {@code (float) (1 - β1)}
 * @param beta2               {@code (float) β2}
 * @param oneMinusBeta2       {@code (float) (1 - β2)}
 * @param biasCorrection2Sqrt {@code (float) sqrt(1 - β2^t)}
 * @param eps                 {@code (float) eps}
 * @param negativeStepSize    {@code (float) -(lr / (1 - β1^t))}
 */
public record AdamCoefficients(boolean decoupled, float decayFactor, float weightDecay, float lerpWeight, float beta2,
                               float oneMinusBeta2, float biasCorrection2Sqrt, float eps, float negativeStepSize) {

    /**
     * The coefficients of step {@code step} (1 for the first update) with these (already validated)
     * hyper-parameters; {@code decoupled} selects AdamW's weight decay.
     */
    public static AdamCoefficients of(double lr, double beta1, double beta2, double eps, double weightDecay,
                                      boolean decoupled, long step) {
        if (step < 1) {
            throw new IllegalArgumentException("adam: step must be at least 1, got " + step);
        }
        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2 = 1 - Math.pow(beta2, step);
        double stepSize = lr / biasCorrection1;
        return new AdamCoefficients(decoupled && weightDecay != 0, (float) (1 - lr * weightDecay),
                decoupled ? 0f : (float) weightDecay, (float) (1 - beta1), (float) beta2, (float) (1 - beta2),
                (float) Math.sqrt(biasCorrection2), (float) eps, (float) -stepSize);
    }
}
