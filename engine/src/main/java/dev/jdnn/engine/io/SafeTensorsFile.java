package dev.jdnn.engine.io;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An open, validated safetensors file. Its header (names, types, shapes, metadata) is read at once; tensor data is read
 * when asked for, either into tensors this file owns ({@link #tensor}) or into the caller's ({@link #loadInto}).
 *
 * <p>Tensors of type F32, F64, F16, BF16 and every integer type (BOOL, U8, I8, I16, U16, I32, U32, I64, U64) load as
 * f32, rounded to nearest as PyTorch's {@code .float()} does; BF16 and I8 also load unchanged into bf16 and s8 tensors;
 * integer tensors load exactly with {@link #longs}. FP8 types are recognised but not loaded. A size of 0 is valid in the
 * header but cannot be loaded (jdnn tensors are never empty).
 *
 * <p>{@link #close()} closes the file and every tensor it loaded. Not thread-safe.
 */
public final class SafeTensorsFile implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private final SafeTensorsHeader header;
    private final Map<String, SafeTensorsEntry> entries = new LinkedHashMap<>(); // in data order
    private final Map<String, Tensor> loaded = new LinkedHashMap<>();
    private boolean closed;

    private SafeTensorsFile(Path file, FileChannel channel, SafeTensorsHeader header) {
        this.file = file;
        this.channel = channel;
        this.header = header;
        for (SafeTensorsEntry entry : header.entries()) {
            entries.put(entry.name(), entry);
        }
    }

    static SafeTensorsFile open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new SafeTensorsFile(file, channel, HeaderParser.read(file, channel));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    /** The {@code __metadata__} map (empty when the file has none). */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** Tensor names in the order of their data in the file. */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /** What the header says of tensor {@code name}. */
    public SafeTensorsEntry entry(String name) {
        SafeTensorsEntry entry = entries.get(name);
        if (entry == null) {
            throw new IllegalArgumentException(file + ": no tensor named '" + name + "' (the file holds "
                    + entries.size() + " tensors)");
        }
        return entry;
    }

    /** Every entry, in data order. */
    public List<SafeTensorsEntry> entries() {
        return header.entries();
    }

    /** Tensor {@code name} as f32, read on first use; this file owns it and closes it. */
    public Tensor tensor(String name) throws IOException {
        requireOpen();
        Tensor cached = loaded.get(name);
        if (cached != null) {
            return cached;
        }
        SafeTensorsEntry entry = entry(name);
        requireLoadable(entry, DType.F32);
        Tensor tensor = Tensor.allocate(entry.shape(), DType.F32);
        try {
            read(entry, tensor);
        } catch (IOException | RuntimeException e) {
            tensor.close();
            throw e;
        }
        loaded.put(name, tensor);
        return tensor;
    }

    /** Every tensor as f32, by name in data order; this file owns them. */
    public Map<String, Tensor> tensors() throws IOException {
        Map<String, Tensor> all = new LinkedHashMap<>();
        for (String name : entries.keySet()) {
            all.put(name, tensor(name));
        }
        return Collections.unmodifiableMap(all);
    }

    /**
     * Reads tensor {@code name} into {@code target}, which must have its shape and a type it loads as (see the class
     * comment); the caller keeps {@code target}.
     */
    public void loadInto(String name, Tensor target) throws IOException {
        requireOpen();
        SafeTensorsEntry entry = entry(name);
        requireLoadable(entry, target.dtype());
        entry.shape().requireEqual(target.shape(), file + ": tensor " + name + " (the target)");
        target.requireOpen(file + ": target of tensor " + name);
        read(entry, target);
    }

    /** The elements of integer tensor {@code name}, exactly (I64 scalars such as {@code num_batches_tracked}). */
    public long[] longs(String name) throws IOException {
        requireOpen();
        SafeTensorsEntry entry = entry(name);
        if (!entry.dtype().isInteger()) {
            throw new IllegalArgumentException(file + ": tensor " + name + " is " + entry.dtype() + ", not integers");
        }
        if (entry.elementCount() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(file + ": tensor " + name + " has " + entry.elementCount()
                    + " elements, too many for a Java array");
        }
        long[] values = new long[(int) entry.elementCount()];
        ByteBuffer chunk = ByteBuffer.allocate(SafeTensors.CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int perChunk = SafeTensors.CHUNK_BYTES / entry.dtype().byteSize();
        for (int index = 0; index < values.length; index += perChunk) {
            int count = Math.min(perChunk, values.length - index);
            readChunk(entry, chunk, index, count);
            ElementCodec.decodeToLong(entry.dtype(), chunk, values, index, count, file + ": tensor " + name);
        }
        return values;
    }

    private void requireLoadable(SafeTensorsEntry entry, DType target) {
        if (!entry.dtype().loadableAs(target)) {
            throw new IllegalArgumentException(file + ": tensor " + entry.name() + " is " + entry.dtype()
                    + ", which does not load as " + target);
        }
        if (!entry.hasTensorShape()) {
            throw new IllegalArgumentException(file + ": tensor " + entry.name() + " has shape " + entry.dimsText()
                    + ": jdnn tensors cannot be empty, so it cannot be loaded");
        }
    }

    private void read(SafeTensorsEntry entry, Tensor target) throws IOException {
        MemorySegment memory = target.segment(file + ": tensor " + entry.name());
        if (entry.dtype() == SafeTensorsDType.of(target.dtype())) {
            long position = header.dataByteOffset() + entry.beginByteOffset();
            for (long done = 0; done < memory.byteSize(); done += SafeTensors.MAX_BUFFER_BYTES) {
                long byteSize = Math.min(SafeTensors.MAX_BUFFER_BYTES, memory.byteSize() - done);
                position = readFully(memory.asSlice(done, byteSize).asByteBuffer(), position);
            }
            return;
        }
        ByteBuffer chunk = ByteBuffer.allocateDirect(SafeTensors.CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int perChunk = SafeTensors.CHUNK_BYTES / entry.dtype().byteSize();
        for (long index = 0, count = entry.elementCount(); index < count; index += perChunk) {
            int n = (int) Math.min(perChunk, count - index);
            readChunk(entry, chunk, index, n);
            ElementCodec.decodeToF32(entry.dtype(), chunk, memory, index, n);
        }
    }

    /** Fills {@code chunk} with elements {@code [index, index + count)} of {@code entry}, ready to read. */
    private void readChunk(SafeTensorsEntry entry, ByteBuffer chunk, long index, int count) throws IOException {
        int elementBytes = entry.dtype().byteSize();
        chunk.clear().limit(count * elementBytes);
        readFully(chunk, header.dataByteOffset() + entry.beginByteOffset() + index * elementBytes);
        chunk.flip();
    }

    private long readFully(ByteBuffer target, long byteOffset) throws IOException {
        long position = byteOffset;
        while (target.hasRemaining()) {
            int read = channel.read(target, position);
            if (read < 0) {
                throw new SafeTensorsException(file, "truncated: end of file at byte " + position
                        + " (did the file change after it was opened?)");
            }
            position += read;
        }
        return position;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException(file + " was used after close()");
        }
    }

    /** Closes the file and every tensor loaded from it. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        List<Tensor> tensors = new ArrayList<>(loaded.values());
        loaded.clear();
        tensors.forEach(Tensor::close);
        channel.close();
    }

    @Override
    public String toString() {
        return "SafeTensorsFile " + file + " (" + entries.size() + " tensors)";
    }
}
