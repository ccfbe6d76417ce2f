package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;

/**
 * The per-element parameter updates of SGD and Adam/AdamW at segment level, for elements {@code [offset, offset +
 * count)}, in PyTorch's f32 operation order on CPU (its single-tensor {@code torch.optim} paths over ATen's vectorized
 * kernels). Hyper-parameters arrive already rounded to f32 by {@link SgdCoefficients} and {@link AdamCoefficients},
 * as ATen rounds a Python scalar for an f32 tensor.
 *
 * <p>{@code fma} appears exactly where ATen's vector kernels call {@code vec::fmadd}: {@code add(x, alpha)} is
 * {@code fma(x, alpha, self)} and {@code lerp} is {@code fma(coeff, end - start, base)}; every other step is one
 * plain f32 operation. The scalar and vector twins therefore agree bit for bit. Implementations neither check nor start
 * threads; {@link OptimizerSteps} does both.
 */
public interface OptimizerKernels {

    /**
     * One SGD step (PyTorch's {@code _single_tensor_sgd}), per element:
     * <pre>
     * g = grad;  if (weightDecay != 0) g = fma(param, weightDecay, g)        // grad.add(param, alpha=wd)
     * if (momentum buffer given):
     *     buf = firstStep ? g : fma(g, gradScale, buf * momentum)           // buf.mul_(m).add_(g, alpha=1-d)
     *     g = nesterov ? fma(buf, momentum, g) : buf                        // g.add(buf, alpha=m)
     * param = fma(g, negativeLr, param)                                      // param.add_(g, alpha=-lr)
     * </pre>
     *
     * @param param          the parameter, updated in place
     * @param grad           its gradient (read only)
     * @param momentumBuffer the momentum buffer, updated in place, or {@code null} when momentum is 0
     */
    void sgd(MemorySegment param, MemorySegment grad, MemorySegment momentumBuffer, SgdCoefficients coefficients,
             long offset, long count);

    /**
     * One Adam or AdamW step (PyTorch's {@code _single_tensor_adam}), per element:
     * <pre>
     * g = grad
     * if (decoupled) param = param * decayFactor                             // param.mul_(1 - lr*wd)
     * else if (weightDecay != 0) g = fma(param, weightDecay, g)              // grad.add(param, alpha=wd)
     * expAvg = |w| &lt; 0.5 ? fma(w, g - expAvg, expAvg)                       // exp_avg.lerp_(g, w = 1-β1)
     *                    : fma(w - 1, g - expAvg, g)
     * expAvgSq = expAvgSq * beta2 + oneMinusBeta2 * g * g                    // mul_(β2).addcmul_(g, g, value=1-β2)
     * denom = sqrt(expAvgSq) / biasCorrection2Sqrt + eps
     * param = param + negativeStepSize * expAvg / denom                      // addcdiv_(exp_avg, denom, -step_size)
     * </pre>
     * (products and quotients left to right, as ATen's {@code addcmul}/{@code addcdiv} write them).
     */
    void adam(MemorySegment param, MemorySegment grad, MemorySegment expAvg, MemorySegment expAvgSq,
              AdamCoefficients coefficients, long offset, long count);
}
