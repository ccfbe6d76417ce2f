package dev.jdnn.engine.train.optim;

/**
 * PyTorch's f32 tensor ops on CPU as the single-tensor optimizers call them, one whole array at a time, written from
 * ATen's vectorized kernels: {@code add(other, alpha)} is {@code fmadd(other, alpha, self)}
 * ({@code ufunc/add.h}), {@code lerp} is {@code fmadd(coeff, end − start, base)} ({@code LerpKernel.cpp}),
 * {@code addcmul}/{@code addcdiv} are {@code self + value · t1 · t2} and {@code self + value · t1 / t2}
 * ({@code PointwiseOpsKernel.cpp}); a Python scalar meets an f32 tensor rounded to f32. The optimizer tests replay
 * {@code torch/optim/sgd.py} and {@code adam.py} line by line with these, so the reference does not share the kernels'
 * fused loop.
 */
final class TorchOps {

    private TorchOps() {
    }

    /** {@code self.add(other, alpha=alpha)}. */
    static float[] add(float[] self, float[] other, double alpha) {
        float a = (float) alpha;
        float[] out = new float[self.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.fma(other[i], a, self[i]);
        }
        return out;
    }

    /** {@code self.mul(scalar)}. */
    static float[] mul(float[] self, double scalar) {
        float s = (float) scalar;
        float[] out = new float[self.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = self[i] * s;
        }
        return out;
    }

    /** {@code self.lerp(end, weight)} with a scalar weight. */
    static float[] lerp(float[] self, float[] end, double weight) {
        float w = (float) weight;
        boolean small = Math.abs(w) < 0.5f;
        float[] out = new float[self.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = small ? Math.fma(w, end[i] - self[i], self[i]) : Math.fma(w - 1f, end[i] - self[i], end[i]);
        }
        return out;
    }

    /** {@code self.addcmul(t1, t2, value=value)}. */
    static float[] addcmul(float[] self, float[] t1, float[] t2, double value) {
        float v = (float) value;
        float[] out = new float[self.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = self[i] + v * t1[i] * t2[i];
        }
        return out;
    }

    /** {@code self.addcdiv(t1, t2, value=value)}. */
    static float[] addcdiv(float[] self, float[] t1, float[] t2, double value) {
        float v = (float) value;
        float[] out = new float[self.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = self[i] + v * t1[i] / t2[i];
        }
        return out;
    }

    /** {@code self.sqrt()}. */
    static float[] sqrt(float[] self) {
        float[] out = new float[self.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) Math.sqrt(self[i]);
        }
        return out;
    }

    /** {@code self / scalar}. */
    static float[] div(float[] self, double scalar) {
        float s = (float) scalar;
        float[] out = new float[self.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = self[i] / s;
        }
        return out;
    }

    /** {@code self + scalar}. */
    static float[] addScalar(float[] self, double scalar) {
        float s = (float) scalar;
        float[] out = new float[self.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = self[i] + s;
        }
        return out;
    }
}
