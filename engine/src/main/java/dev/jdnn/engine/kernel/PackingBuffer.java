package dev.jdnn.engine.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A growable off-heap scratch buffer owned by one thread (held in a {@link ThreadLocal}), for the packed panels of
 * {@link Sgemm}. It grows to the largest size asked for and is then reused, so steady-state calls allocate nothing.
 * The memory is shared (workers read the caller's packed B) and freed when the buffer grows or is released.
 */
final class PackingBuffer {

    private static final long ALIGNMENT_BYTES = 64;

    private Arena arena;
    private MemorySegment segment = MemorySegment.NULL;

    /** A segment of at least {@code byteSize} bytes; its contents are undefined. */
    MemorySegment atLeast(long byteSize) {
        if (segment.byteSize() < byteSize) {
            // Grow with headroom so a sequence of slightly larger requests does not reallocate each time.
            long newByteSize = Math.max(byteSize, segment.byteSize() + segment.byteSize() / 2);
            release();
            arena = Arena.ofShared();
            segment = arena.allocate(newByteSize, ALIGNMENT_BYTES);
        }
        return segment;
    }

    void release() {
        if (arena != null) {
            arena.close();
            arena = null;
        }
        segment = MemorySegment.NULL;
    }
}
