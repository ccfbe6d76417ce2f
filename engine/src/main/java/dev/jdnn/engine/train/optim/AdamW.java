package dev.jdnn.engine.train.optim;

import dev.jdnn.engine.nn.Parameter;
import java.util.List;

/**
 * AdamW (Loshchilov and Hutter, 2019) as PyTorch's {@code torch.optim.AdamW}: Adam with decoupled weight decay, the
 * parameter first scaled by {@code 1 − lr·wd}, then Adam's step on the plain gradient (see {@link Adam}).
 */
public final class AdamW extends AdamFamily {

    private static final String NAME = "AdamW";

    /** PyTorch's defaults: β = (0.9, 0.999), eps = 1e-8, weight decay 0.01. */
    public AdamW(List<Parameter> parameters, double learningRate) {
        this(parameters, learningRate, 0.9, 0.999, 1e-8, 0.01);
    }

    public AdamW(List<Parameter> parameters, double learningRate, double beta1, double beta2, double eps,
                 double weightDecay) {
        super(NAME, parameters, learningRate, beta1, beta2, eps, weightDecay, true);
    }
}
