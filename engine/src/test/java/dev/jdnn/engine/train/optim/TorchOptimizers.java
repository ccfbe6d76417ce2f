package dev.jdnn.engine.train.optim;

/**
 * {@code _single_tensor_sgd} and {@code _single_tensor_adam} of {@code torch.optim} for one parameter, replayed with
 * {@link TorchOps} in the order the Python code runs them. Each holds its parameter's state as PyTorch does.
 */
final class TorchOptimizers {

    private TorchOptimizers() {
    }

    /** {@code torch.optim.SGD} for one parameter. */
    static final class Sgd {
        final double lr;
        final double momentum;
        final double dampening;
        final double weightDecay;
        final boolean nesterov;
        float[] momentumBuffer; // null until the first step, as state['momentum_buffer']

        Sgd(double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
            this.lr = lr;
            this.momentum = momentum;
            this.dampening = dampening;
            this.weightDecay = weightDecay;
            this.nesterov = nesterov;
        }

        float[] step(float[] param, float[] grad) {
            if (weightDecay != 0) {
                grad = TorchOps.add(grad, param, weightDecay);
            }
            if (momentum != 0) {
                if (momentumBuffer == null) {
                    momentumBuffer = grad.clone();
                } else {
                    momentumBuffer = TorchOps.add(TorchOps.mul(momentumBuffer, momentum), grad, 1 - dampening);
                }
                grad = nesterov ? TorchOps.add(grad, momentumBuffer, momentum) : momentumBuffer;
            }
            return TorchOps.add(param, grad, -lr);
        }
    }

    /** {@code torch.optim.Adam} ({@code decoupled = false}) or {@code AdamW} for one parameter. */
    static final class Adam {
        final double lr;
        final double beta1;
        final double beta2;
        final double eps;
        final double weightDecay;
        final boolean decoupled;
        float[] expAvg;
        float[] expAvgSq;
        int step;

        Adam(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
            this.lr = lr;
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.eps = eps;
            this.weightDecay = weightDecay;
            this.decoupled = decoupled;
        }

        float[] step(float[] param, float[] grad) {
            if (expAvg == null) {
                expAvg = new float[param.length];
                expAvgSq = new float[param.length];
            }
            step += 1;
            if (weightDecay != 0) {
                if (decoupled) {
                    param = TorchOps.mul(param, 1 - lr * weightDecay);
                } else {
                    grad = TorchOps.add(grad, param, weightDecay);
                }
            }
            expAvg = TorchOps.lerp(expAvg, grad, 1 - beta1);
            expAvgSq = TorchOps.addcmul(TorchOps.mul(expAvgSq, beta2), grad, grad, 1 - beta2);
            double biasCorrection1 = 1 - Math.pow(beta1, step);
            double biasCorrection2 = 1 - Math.pow(beta2, step);
            double stepSize = lr / biasCorrection1;
            double biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
            float[] denom = TorchOps.addScalar(TorchOps.div(TorchOps.sqrt(expAvgSq), biasCorrection2Sqrt), eps);
            return TorchOps.addcdiv(param, expAvg, denom, -stepSize);
        }
    }
}
