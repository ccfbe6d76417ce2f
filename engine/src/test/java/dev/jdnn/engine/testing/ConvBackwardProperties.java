package dev.jdnn.engine.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.Conv2dSpec;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Tensor;
import java.util.stream.Stream;

/**
 * The identities that tie a backend's convolution backward to its forward, independently of the reference's values:
 * the convolution is bilinear, so for any {@code dy}
 * {@code <conv(x, w), dy> = <x, backwardData(dy, w)> = <w, backwardWeights(x, dy)>}.
 */
public final class ConvBackwardProperties {

    private ConvBackwardProperties() {
    }

    /** Every fourth case of the matrix (all geometries meet at least one), without bias (a bias breaks linearity). */
    public static Stream<ConvBackwardCase> cases() {
        int[] index = {0};
        return ConvBackwardCase.matrix().filter(c -> index[0]++ % 4 == 0).map(c -> new ConvBackwardCase(
                new Conv2dSpec(c.spec().input(), c.spec().outChannels(), c.spec().window(), c.spec().groups(), false,
                        PostOp.NONE), c.seed()));
    }

    /**
     * Asserts both adjoint identities on {@code backend}. The three inner products are taken in double from f32
     * results; each f32 result element is within {@link Tolerance#reductionBound} of its exact value (the magnitudes
     * and lengths come from the reference, which is not otherwise used), so an inner product is within
     * {@code Σ |other factor| · bound} of the exact {@code S} and two of them within the sum of their bounds. The
     * double products themselves add a relative 2⁻⁵³ per term, covered by a slack of 1e-12 of their magnitude.
     */
    public static void assertAdjoint(Backend backend, ConvBackwardCase c) {
        Conv2dSpec spec = c.spec();
        float[] x = c.input();
        float[] w = c.weight();
        float[] dy = c.gradOutput();
        float[] y;
        float[] dx;
        float[] dw;
        try (Tensor xt = Tensor.of(x, spec.input().dims());
             Tensor wt = Tensor.of(w, spec.weightShape().dims());
             Tensor dyt = Tensor.of(dy, spec.outputShape().dims());
             Tensor yt = Tensor.allocate(spec.outputShape(), DType.F32);
             Tensor dxt = Tensor.allocate(spec.input(), DType.F32);
             Tensor dwt = Tensor.allocate(spec.weightShape(), DType.F32)) {
            backend.conv2dForward(spec).run(xt, wt, null, yt);
            backend.conv2dBackward(spec).backwardData(dyt, wt, dxt);
            backend.conv2dBackward(spec).backwardWeights(xt, dyt, dwt, null);
            y = yt.toFloatArray();
            dx = dxt.toFloatArray();
            dw = dwt.toFloatArray();
        }
        ReferenceConv2d.Result forward = ReferenceConv2d.forward(x, spec.input(), w, spec.weightShape(), null,
                spec.window(), spec.groups());
        ReferenceConv2d.Result data = ReferenceConv2d.backwardData(dy, w, spec.weightShape(), spec.input(),
                spec.window(), spec.groups());
        ReferenceConv2d.Result weights = ReferenceConv2d.backwardWeights(x, spec.input(), dy, spec.weightShape(),
                spec.window(), spec.groups());
        Product throughForward = Product.of(y, dy, forward);
        Product throughData = Product.of(dx, x, data);
        Product throughWeights = Product.of(dw, w, weights);
        throughForward.assertAgrees(throughData, backend.name() + " <conv(x), dy> vs <x, backwardData(dy)> " + c);
        throughForward.assertAgrees(throughWeights,
                backend.name() + " <conv(x), dy> vs <w, backwardWeights(x, dy)> " + c);
    }

    /** {@code <computed, other>} in double, with the bound on its distance from the exact inner product. */
    private record Product(double value, double bound) {

        static Product of(float[] computed, float[] other, ReferenceConv2d.Result exact) {
            double value = 0;
            double bound = 0;
            double magnitude = 0;
            for (int i = 0; i < computed.length; i++) {
                value += (double) computed[i] * other[i];
                magnitude += Math.abs((double) computed[i] * other[i]);
                bound += Math.abs(other[i])
                        * Tolerance.reductionBound(exact.reductionLength(), exact.magnitudes()[i]);
            }
            return new Product(value, bound + 1e-12 * magnitude);
        }

        void assertAgrees(Product other, String what) {
            double difference = Math.abs(value - other.value);
            assertTrue(difference <= bound + other.bound, () -> what + ": " + value + " vs " + other.value
                    + ", |difference| " + difference + " > bound " + (bound + other.bound));
        }
    }
}
