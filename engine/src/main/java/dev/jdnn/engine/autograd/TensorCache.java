package dev.jdnn.engine.autograd;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Tensors kept for reuse by the graphs of one thread, by shape and type: a pass takes its activations and gradients
 * from here and gives them back when it frees them, so after the first pass a training step or an inference call
 * allocates (and zero-fills) no off-heap memory. What a cache returns holds the previous user's values: ops write their
 * outputs whole. One thread at a time; {@link #close()} frees everything it holds.
 */
public final class TensorCache implements AutoCloseable {

    private record Key(Shape shape, DType dtype) {
    }

    private final Map<Key, ArrayDeque<Tensor>> free = new HashMap<>();
    private boolean closed;

    /** A tensor of {@code shape} and {@code dtype} with arbitrary contents. */
    Tensor take(Shape shape, DType dtype) {
        ArrayDeque<Tensor> tensors = free.get(new Key(shape, dtype));
        Tensor tensor = tensors == null ? null : tensors.pollFirst();
        return tensor != null ? tensor : Tensor.allocate(shape, dtype);
    }

    /** Takes {@code tensor} back for reuse (or frees it once the cache is closed). */
    void give(Tensor tensor) {
        if (closed || !tensor.isOpen()) {
            tensor.close();
            return;
        }
        free.computeIfAbsent(new Key(tensor.shape(), tensor.dtype()), key -> new ArrayDeque<>()).addFirst(tensor);
    }

    /** Tensors held for reuse. */
    public int size() {
        return free.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    @Override
    public void close() {
        closed = true;
        for (ArrayDeque<Tensor> tensors : free.values()) {
            tensors.forEach(Tensor::close);
        }
        free.clear();
    }
}
