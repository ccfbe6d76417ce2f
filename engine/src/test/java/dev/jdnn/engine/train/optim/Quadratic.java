package dev.jdnn.engine.train.optim;

import dev.jdnn.engine.nn.Parameter;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;

/**
 * The loss {@code ½ Σ a_i (p_i − c_i)²} of one parameter, whose gradient {@code a ⊙ (p − c)} the tests compute in
 * f32 and hand to the optimizer as backward would.
 */
final class Quadratic {

    final float[] curvature; // a, in [0.5, 2)
    final float[] centre;    // c

    Quadratic(long seed, int length) {
        curvature = RandomData.uniform(seed, length, 0.5f, 2f);
        centre = RandomData.uniform(seed + 1, length);
    }

    float[] gradient(float[] param) {
        float[] grad = new float[param.length];
        for (int i = 0; i < grad.length; i++) {
            grad[i] = curvature[i] * (param[i] - centre[i]);
        }
        return grad;
    }

    /** Writes the gradient at the parameter's current value into its gradient, as a backward would. */
    void backward(Parameter parameter) {
        setGrad(parameter, gradient(parameter.value().toFloatArray()));
    }

    static void setGrad(Parameter parameter, float[] grad) {
        Tensor memory = parameter.gradOrAllocate();
        parameter.takeFreshGrad();
        memory.copyFrom(grad);
    }

    static Parameter parameter(String name, float[] values) {
        Parameter parameter = Parameter.zeros(Shape.of(values.length));
        parameter.value().copyFrom(values);
        if (name != null) {
            parameter.name(name);
        }
        return parameter;
    }
}
