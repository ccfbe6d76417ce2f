package dev.jdnn.engine.onednn;

/**
 * What every compiled oneDNN operation shares: the {@link NativeResources} its descriptors, primitives and buffers
 * belong to, and its lifecycle. The backend closes it; a run after that fails with a message naming the operation
 * instead of touching freed memory.
 */
abstract class OneDnnOperation implements AutoCloseable {

    /** The handles and buffers of this operation, freed by {@link #close()}. */
    final NativeResources resources = new NativeResources();

    private final String name;
    private volatile boolean closed;

    /** @param name how messages name it: {@code "conv2d: this oneDNN convolution " + spec} */
    OneDnnOperation(String name) {
        this.name = name;
    }

    /** @throws IllegalStateException once the operation is closed */
    final void requireOpen() {
        if (closed) {
            throw new IllegalStateException(name + " was used after close()");
        }
    }

    /** Frees the primitives and buffers; idempotent. The backend does this when it closes. */
    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        resources.close();
    }
}
