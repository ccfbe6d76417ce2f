package dev.jdnn.engine.onednn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The oneDNN handles one owner (an engine, a compiled primitive) created, with their destroy functions, and an
 * {@link Arena} for the structs and buffers they use. {@link #close()} destroys the handles last-created first (a
 * primitive before its descriptor, memory before the engine it lives on), then frees the arena.
 */
final class NativeResources implements AutoCloseable {

    /** How a handle is destroyed: {@code dnnl_primitive_destroy} and its kin. */
    @FunctionalInterface
    interface Destructor {
        int destroy(MemorySegment handle);
    }

    private record Owned(MemorySegment handle, Destructor destructor, String call) {
    }

    private static final long BUFFER_ALIGNMENT_BYTES = 64;

    /** Handles created and not yet destroyed, over all owners: a leak shows as a count that keeps growing. */
    private static final AtomicLong LIVE_HANDLES = new AtomicLong();

    private final Arena arena = Arena.ofShared();
    private final ArrayDeque<Owned> owned = new ArrayDeque<>();
    private boolean closed;

    /** For structs and buffers that live as long as the owner. */
    Arena arena() {
        return arena;
    }

    /** A pointer-sized out parameter for a {@code dnnl_*_create} call. */
    MemorySegment handleSlot() {
        return arena.allocate(ValueLayout.ADDRESS);
    }

    /** A zero-filled, 64-byte aligned buffer of {@code byteSize} bytes, freed at close. */
    MemorySegment buffer(long byteSize) {
        return arena.allocate(Math.max(byteSize, 1), BUFFER_ALIGNMENT_BYTES);
    }

    /**
     * Checks the status of the {@code create} call that wrote a handle into {@code slot}, and takes ownership of the
     * handle: {@code destructor} (named {@code destroyCall} in errors) runs at {@link #close()}.
     */
    MemorySegment own(int status, String createCall, MemorySegment slot, Destructor destructor, String destroyCall) {
        OneDnnStatus.check(status, createCall);
        MemorySegment handle = slot.get(ValueLayout.ADDRESS, 0);
        owned.push(new Owned(handle, destructor, destroyCall));
        LIVE_HANDLES.incrementAndGet();
        return handle;
    }

    /** Handles created and not yet destroyed, process-wide (for leak tests). */
    static long liveHandles() {
        return LIVE_HANDLES.get();
    }

    /** Destroys every handle, last first, then frees the arena; idempotent. Reports the first failure after all ran. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        while (!owned.isEmpty()) {
            Owned handle = owned.pop();
            LIVE_HANDLES.decrementAndGet();
            try {
                OneDnnStatus.check(handle.destructor().destroy(handle.handle()), handle.call());
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        arena.close();
        if (failure != null) {
            throw failure;
        }
    }
}
