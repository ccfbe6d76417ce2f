package dev.jdnn.engine.kernel;

import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.BatchNormCase;
import dev.jdnn.engine.testing.ReferenceBatchNorm;
import java.lang.foreign.MemorySegment;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both twins of {@link BatchNormKernels} (the vector one at every width the surefire runs choose) against the double
 * reference over the awkward-size matrix, called directly on all channels at once; the tolerances are
 * {@link ReferenceBatchNorm}'s. The backends' tests cover the parallel entries of {@link BatchNorm}.
 */
class BatchNormTest {

    enum Implementation {
        SCALAR, SIMD;

        BatchNormKernels kernels() {
            if (this == SCALAR) {
                return new ScalarBatchNormKernels();
            }
            BatchNormKernels simd = Vectorization.loadSimd(BatchNormKernels.class, "SimdBatchNormKernels");
            Assumptions.assumeTrue(simd != null, "Vector API unavailable");
            return simd;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(Implementation.values())
                .flatMap(i -> BatchNormCase.matrix().filter(BatchNormCase::trainable).map(c -> Arguments.of(i, c)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void statisticsNormalizationAndGradientsMatchTheReference(Implementation implementation, BatchNormCase c) {
        BatchNormKernels kernels = implementation.kernels();
        int batch = c.batch();
        int channels = c.channels();
        long plane = (long) c.height() * c.width();
        ReferenceBatchNorm.Training expected = c.expectedTraining();
        try (Tensor x = Tensor.of(c.input(), c.shape().dims());
             Tensor w = Tensor.of(c.weight(), channels);
             Tensor b = Tensor.of(c.bias(), channels);
             Tensor y = Tensor.allocate(c.shape().dims());
             Tensor mean = Tensor.allocate(channels);
             Tensor var = Tensor.allocate(channels);
             Tensor dy = Tensor.of(c.gradOutput(), c.shape().dims());
             Tensor dx = Tensor.allocate(c.shape().dims());
             Tensor dw = Tensor.allocate(channels);
             Tensor db = Tensor.allocate(channels)) {
            MemorySegment xs = x.segment();
            kernels.statistics(xs, mean.segment(), var.segment(), 0, channels, batch, channels, plane);
            kernels.normalize(xs, mean.segment(), var.segment(), w.segment(), b.segment(), c.epsilon(), y.segment(),
                    0, (long) batch * channels, channels, plane);
            String what = implementation + " " + c;
            expected.mean().assertMatches(mean.toFloatArray(), what + " mean");
            expected.variance().assertMatches(var.toFloatArray(), what + " variance");
            expected.output().assertMatches(y.toFloatArray(), what + " output");

            float[] saveMean = mean.toFloatArray();
            float[] saveVar = var.toFloatArray();
            kernels.backward(xs, dy.segment(), mean.segment(), var.segment(), w.segment(), c.epsilon(), dx.segment(),
                    dw.segment(), db.segment(), 0, channels, batch, channels, plane);
            ReferenceBatchNorm.Gradients gradients = c.expectedBackward(saveMean, saveVar);
            gradients.input().assertMatches(dx.toFloatArray(), what + " gradInput");
            gradients.weight().assertMatches(dw.toFloatArray(), what + " gradWeight");
            gradients.bias().assertMatches(db.toFloatArray(), what + " gradBias");
        }
    }
}
