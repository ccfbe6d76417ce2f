package dev.jdnn.engine.backend;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.function.Function;

/**
 * An NCHW buffer of one logical {@code (N, C, H, W)} shape with the backend's reorders to and from NHWC: how a
 * channels-last op runs on kernels that only know NCHW (transpose in, run, transpose out). Owns the buffer.
 */
final class NchwStaging implements AutoCloseable {

    private final Tensor buffer;
    private final Reorder fromChannelsLast;
    private final Reorder toChannelsLast;

    NchwStaging(Shape logical, Function<ReorderSpec, Reorder> reorder) {
        fromChannelsLast = reorder.apply(new ReorderSpec(logical, TensorFormat.NHWC, DType.F32, TensorFormat.NCHW,
                DType.F32));
        toChannelsLast = reorder.apply(new ReorderSpec(logical, TensorFormat.NCHW, DType.F32, TensorFormat.NHWC,
                DType.F32));
        buffer = Tensor.allocate(logical, DType.F32);
    }

    /** The NCHW buffer. */
    Tensor buffer() {
        return buffer;
    }

    /** Transposes {@code channelsLast} (physical {@code (N, H, W, C)}) into the buffer; returns the buffer. */
    Tensor load(Tensor channelsLast) {
        fromChannelsLast.run(channelsLast, buffer);
        return buffer;
    }

    /** Transposes the buffer into {@code channelsLast}. */
    void store(Tensor channelsLast) {
        toChannelsLast.run(buffer, channelsLast);
    }

    @Override
    public void close() {
        buffer.close();
    }
}
