package dev.jdnn.engine.autograd;

import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.Conv2dSpec;
import dev.jdnn.engine.backend.PreparedConv2d;
import dev.jdnn.engine.nn.Parameter;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What an inference session computes from its weights once and keeps: convolution weights with the following batch
 * norm folded in, and convolutions prepared (weights reordered into the backend's layout, or packed for SGEMM) per
 * backend and spec. A graph given one fuses as it runs (see {@link PendingConv}). The weights must not change while it
 * is in use; {@link #close()} frees what it made. Safe for concurrent contexts.
 */
public final class FusionCache implements AutoCloseable {

    /** Conv weights with a batch norm folded in: {@code w' = w·γ/σ}, {@code b' = (b − μ)·γ/σ + β}. */
    record Folded(Tensor weight, Tensor bias) {
    }

    private record FoldKey(Parameter convWeight, Parameter bnWeight) {
    }

    private record PrepareKey(Backend backend, Conv2dSpec spec, Tensor weight) {
    }

    private final Map<FoldKey, Folded> folded = new ConcurrentHashMap<>();
    private final Map<PrepareKey, PreparedConv2d> prepared = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** The folded weights of a conv (weight, bias or null) followed by a batch norm in evaluation mode. */
    Folded folded(Parameter convWeight, Parameter convBias, Parameter bnWeight, Parameter bnBias, Tensor runningMean,
                  Tensor runningVar, double epsilon) {
        requireOpen();
        return folded.computeIfAbsent(new FoldKey(convWeight, bnWeight), key -> {
            float[] w = convWeight.value().toFloatArray();
            int outChannels = convWeight.shape().dim(0);
            int perChannel = w.length / outChannels;
            float[] b = convBias == null ? new float[outChannels] : convBias.value().toFloatArray();
            float[] gamma = bnWeight.value().toFloatArray();
            float[] beta = bnBias.value().toFloatArray();
            float[] mean = runningMean.toFloatArray();
            float[] var = runningVar.toFloatArray();
            float[] foldedBias = new float[outChannels];
            for (int c = 0; c < outChannels; c++) {
                double scale = gamma[c] / Math.sqrt(var[c] + epsilon);
                for (int i = 0; i < perChannel; i++) {
                    w[c * perChannel + i] = (float) (w[c * perChannel + i] * scale);
                }
                foldedBias[c] = (float) ((b[c] - mean[c]) * scale + beta[c]);
            }
            Tensor weight = Tensor.allocate(convWeight.shape(), DType.F32);
            weight.copyFrom(w);
            Tensor bias = Tensor.allocate(Shape.of(outChannels), DType.F32);
            bias.copyFrom(foldedBias);
            return new Folded(weight, bias);
        });
    }

    /** The convolution {@code spec} on {@code backend} with these weights, prepared once. */
    PreparedConv2d prepared(Backend backend, Conv2dSpec spec, Tensor weight, Tensor bias) {
        requireOpen();
        return prepared.computeIfAbsent(new PrepareKey(backend, spec, weight),
                key -> backend.conv2dForward(spec).prepare(weight, bias));
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("fusion cache: used after close()");
        }
    }

    /** Frees the folded weights and the prepared convolutions. */
    @Override
    public void close() {
        closed = true;
        prepared.values().forEach(PreparedConv2d::close);
        prepared.clear();
        for (Folded f : List.copyOf(folded.values())) {
            f.weight().close();
            f.bias().close();
        }
        folded.clear();
    }
}
