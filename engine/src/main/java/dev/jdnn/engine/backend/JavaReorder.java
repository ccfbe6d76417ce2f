package dev.jdnn.engine.backend;

import dev.jdnn.engine.kernel.BFloat16;
import dev.jdnn.engine.kernel.Transpose;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * The reorder on the Java kernels: a copy, a bf16 conversion ({@link BFloat16}), a transposition of
 * {@code (N, C, H·W)} ↔ {@code (N, H·W, C)} ({@link Transpose}), or both. Both at once go through a bf16 buffer this
 * object owns, so the transposition moves 2-byte elements: f32 → bf16 converts first (in the source layout), bf16 →
 * f32 transposes first.
 */
final class JavaReorder implements Reorder, AutoCloseable {

    private final ReorderSpec spec;
    private final boolean transpose;
    private final boolean convert;
    private final Tensor buffer; // bf16; (N, C, H, W) physical in the source layout for f32 → bf16, else the
                                 // destination layout; null unless both transposing and converting
    private volatile boolean closed;

    JavaReorder(ReorderSpec spec) {
        this.spec = spec;
        this.transpose = spec.sourceFormat() != spec.destinationFormat();
        this.convert = spec.sourceType() != spec.destinationType();
        this.buffer = transpose && convert
                ? Tensor.allocate(spec.sourceType() == DType.F32 ? spec.inputShape() : spec.outputShape(), DType.BF16)
                : null;
    }

    @Override
    public ReorderSpec spec() {
        return spec;
    }

    @Override
    public void run(Tensor input, Tensor output) {
        ReorderArguments.check(spec, input, output);
        if (closed) {
            throw new IllegalStateException("reorder: this Java reorder " + spec + " was used after close()");
        }
        if (!transpose && !convert) {
            MemorySegment.copy(input.segment("reorder: input"), 0, output.segment("reorder: output"), 0,
                    input.byteSize());
        } else if (!transpose) {
            convert(input, output);
        } else if (!convert) {
            transpose(input, output);
        } else if (spec.sourceType() == DType.F32) {
            convert(input, buffer);
            transpose(buffer, output);
        } else {
            transpose(input, buffer);
            convert(buffer, output);
        }
    }

    private static void convert(Tensor input, Tensor output) {
        if (input.dtype() == DType.F32) {
            BFloat16.toBFloat16(input, output);
        } else {
            BFloat16.toFloat(input, output);
        }
    }

    /** {@code (N, C, H, W)} as {@code (N, C, H·W)} into {@code (N, H·W, C)}, or back; by the tensors' own shapes. */
    private void transpose(Tensor input, Tensor output) {
        Shape logical = spec.shape();
        int batch = logical.dim(0);
        int channels = logical.dim(1);
        int pixels = logical.dim(2) * logical.dim(3);
        boolean toChannelsLast = spec.sourceFormat() == TensorFormat.NCHW;
        Tensor from = toChannelsLast ? input.reshape(batch, channels, pixels) : input.reshape(batch, pixels, channels);
        Tensor to = toChannelsLast ? output.reshape(batch, pixels, channels) : output.reshape(batch, channels, pixels);
        Transpose.transpose(from, to);
    }

    @Override
    public void close() {
        closed = true;
        if (buffer != null) {
            buffer.close();
        }
    }
}
