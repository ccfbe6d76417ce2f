package dev.jdnn.engine.autograd;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Channels {@code [from, from + count)} of {@code x (N, C, ...)}, as {@code x[:, from:from + count]} (one piece of
 * {@code x.chunk(k, dim=1)}, ShuffleNet v2's channel split), copied; the gradient writes {@code dy} into those channels
 * and zeroes the others.
 *
 */
final class ChannelSliceNode extends Node {

    private final int from;

    private ChannelSliceNode(Variable x, Variable y, int from) {
        super(List.of(x), y);
        this.from = from;
    }

    static Variable apply(Variable x, int from, int count) {
        Shape shape = x.shape();
        if (shape.rank() < 2 || from < 0 || count <= 0 || from + count > x.dim(1)) {
            throw new IllegalArgumentException("channel slice: channels [" + from + ", " + (from + count)
                    + ") are not within the channels of " + shape);
        }
        int[] dims = shape.dims().clone();
        dims[1] = count;
        Graph graph = x.graph();
        Variable y = graph.output(Shape.of(dims), x.requiresGrad());
        graph.traceLayer("channel_slice " + from + ":" + (from + count), y.shape(), 0);
        if (graph.isShapeOnly()) {
            return y;
        }
        Tensor in = x.value();
        Tensor out = y.value();
        int batch = x.dim(0);
        int channels = x.dim(1);
        graph.compute(() -> copyPlanes(in, from, out, 0, count, batch, channels, count));
        graph.record(new ChannelSliceNode(x, y, from));
        return y;
    }

    @Override
    void backward(Tensor gradOutput) {
        Variable x = inputs.get(0);
        int count = output.dim(1);
        x.accumulateGrad(gradInput -> {
            gradInput.fill(0f);
            copyPlanes(gradOutput, 0, gradInput, from, count, x.dim(0), count, x.dim(1));
        });
    }

    /** Copies {@code count} channels of each sample from channel {@code sourceFrom} to {@code targetFrom}. */
    private static void copyPlanes(Tensor source, int sourceFrom, Tensor target, int targetFrom, int count,
                                   int samples, int sourceChannels, int targetChannels) {
        MemorySegment s = ClampNode.contiguous(source, "channel slice: source");
        MemorySegment t = ClampNode.contiguous(target, "channel slice: target");
        long plane = source.rank() > 2 ? source.shape().elementCountFrom(2) : 1;
        long bytes = plane * count * JAVA_FLOAT.byteSize();
        for (long n = 0; n < samples; n++) {
            long sourceByteOffset = (n * sourceChannels + sourceFrom) * plane * JAVA_FLOAT.byteSize();
            long targetByteOffset = (n * targetChannels + targetFrom) * plane * JAVA_FLOAT.byteSize();
            MemorySegment.copy(s, sourceByteOffset, t, targetByteOffset, bytes);
        }
    }

    @Override
    String name() {
        return "channel_slice";
    }
}
