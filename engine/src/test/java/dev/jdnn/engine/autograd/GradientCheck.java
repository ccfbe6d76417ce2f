package dev.jdnn.engine.autograd;

import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.nn.Parameter;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Central finite differences against backward, for one op on one backend. The op's inputs are parameters (so their
 * gradients are kept); the checked function is {@code L = Σ w·y} with fixed random {@code w}, taken by
 * {@link Graph#backward(Variable, Tensor)} with gradient {@code w}, and numerically as
 * {@code (L(x + h) − L(x − h)) / (x + h − (x − h))} with L summed in double from the f32 outputs and the actual float
 * step in the denominator.
 *
 * <p>Error bound: each f32 output carries a rounding error of at most {@code γ·|y|} with {@code γ = 64·u}
 * (u = 2⁻²⁴; 64 covers the short reductions of these tiny shapes with room), so each L is off by at most
 * {@code γ·Σ|w·y|} and the difference quotient by {@code γ·Σ|w·y| / h}; the quotient's truncation error is
 * {@code h²/6·|L'''|}, under {@code 1e-4·(1 + |g|)} for the smooth ops here at {@code h = 1e-2} with O(1) data. Inputs
 * are kept further than {@code h} from kinks (ReLU's 0, Hardswish's ±3) and from ties (max pooling) by the callers.
 */
final class GradientCheck {

    static final double STEP = 1e-2;
    private static final double GAMMA = 64 * 0x1p-24;

    private GradientCheck() {
    }

    /** Inputs given as values and shapes; {@code op} builds the output from their variables. */
    static void check(String what, Backend backend, List<float[]> values, List<Shape> shapes,
                      BiFunction<Graph, List<Variable>, Variable> op) {
        List<Parameter> parameters = new ArrayList<>();
        try {
            for (int i = 0; i < values.size(); i++) {
                Parameter p = Parameter.zeros(shapes.get(i));
                p.value().copyFrom(values.get(i));
                parameters.add(p);
            }
            Shape outputShape;
            float[] w;
            try (Graph graph = Graph.on(backend)) {
                Variable y = op.apply(graph, variables(graph, parameters));
                outputShape = y.shape();
                w = RandomData.uniform(what.hashCode(), Math.toIntExact(outputShape.elementCount()));
                try (Tensor gradient = Tensor.of(w, outputShape.dims())) {
                    graph.backward(y, gradient);
                }
            }
            for (int i = 0; i < parameters.size(); i++) {
                Parameter p = parameters.get(i);
                Tensor grad = p.grad();
                float[] analytic = grad == null ? new float[values.get(i).length] : grad.toFloatArray();
                float[] x = values.get(i).clone();
                for (int j = 0; j < x.length; j++) {
                    float original = x[j];
                    float up = (float) (original + STEP);
                    float down = (float) (original - STEP);
                    double[] plus = loss(backend, parameters, op, w, i, x, j, up);
                    double[] minus = loss(backend, parameters, op, w, i, x, j, down);
                    x[j] = original;
                    p.value().copyFrom(x);
                    double numeric = (plus[0] - minus[0]) / ((double) up - down);
                    double rounding = GAMMA * (plus[1] + minus[1]) / 2 / ((double) up - down) * 2;
                    double bound = rounding + 1e-4 * (1 + Math.abs(numeric));
                    double error = Math.abs(analytic[j] - numeric);
                    if (!(error <= bound)) {
                        throw new AssertionError(what + " on " + backend.name() + ": d/d input " + i + "[" + j
                                + "] backward " + analytic[j] + ", finite differences " + numeric + " (error " + error
                                + " > bound " + bound + ")");
                    }
                }
            }
        } finally {
            parameters.forEach(Parameter::close);
        }
    }

    private static List<Variable> variables(Graph graph, List<Parameter> parameters) {
        List<Variable> variables = new ArrayList<>();
        for (Parameter p : parameters) {
            variables.add(graph.parameter(p));
        }
        return variables;
    }

    /** {L, Σ|w·y|} with input {@code i}'s element {@code j} set to {@code value}, in evaluation of the same mode. */
    private static double[] loss(Backend backend, List<Parameter> parameters,
                                 BiFunction<Graph, List<Variable>, Variable> op, float[] w, int i, float[] x, int j,
                                 float value) {
        x[j] = value;
        parameters.get(i).value().copyFrom(x);
        return Autograd.noGrad(() -> {
            try (Graph graph = Graph.on(backend)) {
                float[] y = op.apply(graph, variables(graph, parameters)).value().toFloatArray();
                double sum = 0;
                double magnitude = 0;
                for (int k = 0; k < y.length; k++) {
                    sum += (double) w[k] * y[k];
                    magnitude += Math.abs((double) w[k] * y[k]);
                }
                return new double[] {sum, magnitude};
            }
        });
    }
}
