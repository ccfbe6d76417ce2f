package dev.jdnn.engine.io;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes <a href="https://huggingface.co/docs/safetensors">safetensors</a> files: an 8-byte little-endian
 * header length N, N bytes of JSON ({@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
 * "__metadata__": {..}}}, padded with spaces to a multiple of 8), then the little-endian data of every tensor, back to
 * back, offsets counted from the start of the data.
 *
 * <p>Files are written atomically ({@link AtomicFiles}) straight from the tensors' off-heap memory, tensors ordered as
 * the reference writer orders them (wider element types first, then by name), so the output matches
 * {@code safetensors.torch.save_file} byte for byte for the same tensors and metadata.
 */
public final class SafeTensors {

    /** Data is converted or copied through buffers of this size; raw copies go straight from tensor memory. */
    static final int CHUNK_BYTES = 1 << 16;
    /** Largest slice of a segment viewed as one ByteBuffer. */
    static final long MAX_BUFFER_BYTES = 1L << 30;

    private SafeTensors() {
    }

    /** Writes {@code tensors} (each in its own element type) and {@code metadata} to {@code file}, atomically. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        write(file, tensors, metadata, Map.of());
    }

    /**
     * Writes {@code tensors} and {@code metadata} to {@code file}, atomically; {@code storedAs} names tensors to store in
     * another element type: an f32 tensor may be stored as {@link SafeTensorsDType#I64} (its values must be integers),
     * as PyTorch keeps {@code num_batches_tracked}.
     *
     * @throws IllegalArgumentException for an empty or reserved name, a closed tensor, a conversion other than f32 to
     *     i64 or a non-integer value stored as i64; the file is then left as it was
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata,
                             Map<String, SafeTensorsDType> storedAs) throws IOException {
        requireLittleEndian();
        List<Planned> plan = plan(file, tensors, storedAs);
        checkMetadata(file, metadata);
        List<SafeTensorsEntry> entries = plan.stream().map(Planned::entry).toList();
        byte[] header = HeaderEncoder.encode(entries, metadata);
        AtomicFiles.write(file, channel -> {
            ByteBuffer length = ByteBuffer.allocate(HeaderParser.LENGTH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            length.putLong(0, header.length);
            long position = AtomicFiles.writeFully(channel, length, 0);
            position = AtomicFiles.writeFully(channel, ByteBuffer.wrap(header), position);
            for (Planned planned : plan) {
                position = writeData(channel, planned, position);
            }
        });
    }

    /**
     * Opens {@code file} and validates its header and layout; tensors are read when asked for. The caller closes the
     * result.
     *
     * @throws SafeTensorsException if the file is not a valid safetensors file (the message says why)
     */
    public static SafeTensorsFile read(Path file) throws IOException {
        requireLittleEndian();
        return SafeTensorsFile.open(file);
    }

    /** One tensor to write: where it goes and as what. */
    private record Planned(SafeTensorsEntry entry, Tensor tensor) {
    }

    private static List<Planned> plan(Path file, Map<String, Tensor> tensors, Map<String, SafeTensorsDType> storedAs) {
        for (String name : storedAs.keySet()) {
            if (!tensors.containsKey(name)) {
                throw new IllegalArgumentException("safetensors " + file + ": storedAs names " + name
                        + ", which is not among the tensors");
            }
        }
        record Named(String name, Tensor tensor, SafeTensorsDType type, byte[] utf8) {
        }
        List<Named> named = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            Tensor tensor = e.getValue();
            if (name == null || name.isEmpty() || name.equals(HeaderParser.METADATA_KEY)) {
                throw new IllegalArgumentException("safetensors " + file + ": tensor name must be non-empty and not "
                        + HeaderParser.METADATA_KEY + ", got '" + name + "'");
            }
            if (tensor == null) {
                throw new IllegalArgumentException("safetensors " + file + ": tensor " + name + " is null");
            }
            tensor.requireOpen("safetensors " + file + ": tensor " + name);
            if (!tensor.isContiguous()) {
                throw new IllegalArgumentException("safetensors " + file + ": tensor " + name + " is not contiguous");
            }
            SafeTensorsDType own = SafeTensorsDType.of(tensor.dtype());
            SafeTensorsDType type = storedAs.getOrDefault(name, own);
            if (type != own && !(tensor.dtype() == DType.F32 && type == SafeTensorsDType.I64)) {
                throw new IllegalArgumentException("safetensors " + file + ": tensor " + name + " is "
                        + tensor.dtype() + " and cannot be stored as " + type + " (only f32 as I64 converts)");
            }
            named.add(new Named(name, tensor, type, name.getBytes(StandardCharsets.UTF_8)));
        }
        named.sort(Comparator.comparing(Named::type, Comparator.reverseOrder())
                .thenComparing(Named::utf8, Arrays::compareUnsigned));
        List<Planned> plan = new ArrayList<>(named.size());
        long byteOffset = 0;
        for (Named n : named) {
            long byteSize = n.tensor.elementCount() * n.type.byteSize();
            List<Long> dims = Arrays.stream(n.tensor.shape().dims()).mapToObj(d -> (long) d).toList();
            plan.add(new Planned(new SafeTensorsEntry(n.name, n.type, dims, byteOffset, byteOffset + byteSize),
                    n.tensor));
            byteOffset += byteSize;
        }
        return plan;
    }

    private static void checkMetadata(Path file, Map<String, String> metadata) {
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("safetensors " + file + ": metadata keys and values must not be"
                        + " null, got " + e.getKey() + " = " + e.getValue());
            }
        }
    }

    private static long writeData(FileChannel channel, Planned planned, long byteOffset) throws IOException {
        String what = "safetensors: tensor " + planned.entry.name();
        MemorySegment source = planned.tensor.segment(what);
        if (planned.entry.dtype() == SafeTensorsDType.of(planned.tensor.dtype())) {
            long position = byteOffset;
            for (long done = 0; done < source.byteSize(); done += MAX_BUFFER_BYTES) {
                long byteSize = Math.min(MAX_BUFFER_BYTES, source.byteSize() - done);
                position = AtomicFiles.writeFully(channel, source.asSlice(done, byteSize).asByteBuffer(), position);
            }
            return position;
        }
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int perChunk = CHUNK_BYTES / Long.BYTES;
        long position = byteOffset;
        for (long index = 0, count = planned.tensor.elementCount(); index < count; index += perChunk) {
            int n = (int) Math.min(perChunk, count - index);
            chunk.clear();
            ElementCodec.encodeF32AsI64(source, index, n, chunk, what);
            chunk.flip();
            position = AtomicFiles.writeFully(channel, chunk, position);
        }
        return position;
    }

    /** Tensor memory is in native order and the format is little-endian: raw copies need the two to agree. */
    private static void requireLittleEndian() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("safetensors I/O needs a little-endian platform, this one is "
                    + ByteOrder.nativeOrder());
        }
    }
}
