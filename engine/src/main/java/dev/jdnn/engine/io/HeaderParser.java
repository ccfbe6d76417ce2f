package dev.jdnn.engine.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and validates a safetensors header: the 8-byte little-endian length, the JSON, and the layout it describes.
 * Every failure is a {@link SafeTensorsException} naming the file and the problem.
 */
final class HeaderParser {

    static final String METADATA_KEY = "__metadata__";
    /** The reference implementation refuses larger headers too. */
    static final long MAX_HEADER_BYTES = 100_000_000;
    static final int LENGTH_BYTES = 8;

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder().build());

    private HeaderParser() {
    }

    static SafeTensorsHeader read(Path file, FileChannel channel) throws IOException {
        long fileByteSize = channel.size();
        if (fileByteSize < LENGTH_BYTES) {
            throw new SafeTensorsException(file, "file has " + fileByteSize
                    + " bytes, too short for the 8-byte header length");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(LENGTH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, channel, lengthBytes, 0);
        long headerByteSize = lengthBytes.getLong(0);
        if (headerByteSize < 0 || headerByteSize > fileByteSize - LENGTH_BYTES) {
            throw new SafeTensorsException(file, "header length " + Long.toUnsignedString(headerByteSize)
                    + " is larger than the " + (fileByteSize - LENGTH_BYTES) + " bytes after it in the file");
        }
        if (headerByteSize > MAX_HEADER_BYTES) {
            throw new SafeTensorsException(file, "header length " + headerByteSize + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes");
        }
        ByteBuffer json = ByteBuffer.allocate((int) headerByteSize);
        readFully(file, channel, json, LENGTH_BYTES);
        long dataByteOffset = LENGTH_BYTES + headerByteSize;
        SafeTensorsHeader header = parse(file, json.array(), dataByteOffset);
        long dataByteSize = fileByteSize - dataByteOffset;
        if (dataByteSize < header.dataByteSize()) {
            SafeTensorsEntry last = header.entries().getLast();
            throw new SafeTensorsException(file, "truncated or out of range: tensor " + last.name() + " ends at data"
                    + " byte " + last.endByteOffset() + ", the file holds " + dataByteSize + " bytes of data");
        }
        if (dataByteSize > header.dataByteSize()) {
            throw new SafeTensorsException(file, (dataByteSize - header.dataByteSize())
                    + " bytes after the end of the last tensor (data ends at " + header.dataByteSize() + ")");
        }
        return header;
    }

    /** Parses and validates the JSON header bytes; the data section starts at {@code dataByteOffset}. */
    static SafeTensorsHeader parse(Path file, byte[] json, long dataByteOffset) throws SafeTensorsException {
        Map<String, String> metadata = Map.of();
        List<SafeTensorsEntry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new SafeTensorsException(file, "invalid JSON header: it must be an object");
            }
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
                String name = parser.currentName();
                parser.nextToken();
                JsonNode value = parser.readValueAsTree();
                if (!seen.add(name)) {
                    throw new SafeTensorsException(file, "duplicate name '" + name + "' in the header");
                }
                if (name.equals(METADATA_KEY)) {
                    metadata = metadata(file, value);
                } else {
                    entries.add(entry(file, name, value));
                }
            }
            if (parser.nextToken() != null) {
                throw new SafeTensorsException(file, "invalid JSON header: text after the closing brace");
            }
        } catch (SafeTensorsException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw new SafeTensorsException(file, "invalid JSON header: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new SafeTensorsException(file, "invalid JSON header: " + e.getMessage(), e);
        }
        entries.sort(Comparator.comparingLong(SafeTensorsEntry::beginByteOffset)
                .thenComparingLong(SafeTensorsEntry::endByteOffset));
        checkLayout(file, entries);
        return new SafeTensorsHeader(entries, metadata, dataByteOffset);
    }

    private static Map<String, String> metadata(Path file, JsonNode value) throws SafeTensorsException {
        if (!value.isObject()) {
            throw new SafeTensorsException(file, METADATA_KEY + " must be an object of strings, got " + value);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : value.properties()) {
            if (!field.getValue().isTextual()) {
                throw new SafeTensorsException(file, METADATA_KEY + " value of '" + field.getKey()
                        + "' must be a string, got " + field.getValue());
            }
            metadata.put(field.getKey(), field.getValue().textValue());
        }
        return metadata;
    }

    private static SafeTensorsEntry entry(Path file, String name, JsonNode value) throws SafeTensorsException {
        if (!value.isObject()) {
            throw new SafeTensorsException(file, "tensor " + name + ": expected an object with dtype, shape and"
                    + " data_offsets, got " + value);
        }
        JsonNode dtypeNode = value.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new SafeTensorsException(file, "tensor " + name + ": dtype must be a string, got " + dtypeNode);
        }
        SafeTensorsDType dtype = SafeTensorsDType.fromHeader(dtypeNode.textValue()).orElseThrow(
                () -> new SafeTensorsException(file, "tensor " + name + ": unknown dtype '" + dtypeNode.textValue()
                        + "'"));
        List<Long> dims = naturals(file, name, "shape", value.get("shape"));
        List<Long> offsets = naturals(file, name, "data_offsets", value.get("data_offsets"));
        if (offsets.size() != 2) {
            throw new SafeTensorsException(file, "tensor " + name + ": data_offsets must be [begin, end], got "
                    + value.get("data_offsets"));
        }
        long begin = offsets.get(0);
        long end = offsets.get(1);
        if (end < begin) {
            throw new SafeTensorsException(file, "tensor " + name + ": data_offsets [" + begin + ", " + end
                    + "] end before they begin");
        }
        long expectedByteSize = dtype.byteSize();
        for (long d : dims) {
            try {
                expectedByteSize = Math.multiplyExact(expectedByteSize, d);
            } catch (ArithmeticException e) {
                throw new SafeTensorsException(file, "tensor " + name + ": shape " + dims + " overflows", e);
            }
        }
        SafeTensorsEntry entry = new SafeTensorsEntry(name, dtype, dims, begin, end);
        if (entry.byteSize() != expectedByteSize) {
            throw new SafeTensorsException(file, "tensor " + name + ": shape " + entry.dimsText() + " of " + dtype
                    + " needs " + expectedByteSize + " bytes, data_offsets [" + begin + ", " + end + "] span "
                    + entry.byteSize());
        }
        return entry;
    }

    /** A JSON array of non-negative integers that fit a long. */
    private static List<Long> naturals(Path file, String name, String field, JsonNode node)
            throws SafeTensorsException {
        if (node == null || !node.isArray()) {
            throw new SafeTensorsException(file, "tensor " + name + ": " + field + " must be an array, got " + node);
        }
        List<Long> values = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            if (!element.isIntegralNumber() || !element.canConvertToLong() || element.longValue() < 0) {
                throw new SafeTensorsException(file, "tensor " + name + ": " + field
                        + " must hold non-negative integers, got " + node);
            }
            values.add(element.longValue());
        }
        return values;
    }

    /** Tensors sorted by offset must tile the data section from 0 without gaps or overlaps. */
    private static void checkLayout(Path file, List<SafeTensorsEntry> entries) throws SafeTensorsException {
        long expectedBegin = 0;
        SafeTensorsEntry previous = null;
        for (SafeTensorsEntry entry : entries) {
            if (entry.beginByteOffset() < expectedBegin) {
                throw new SafeTensorsException(file, "tensor " + entry.name() + " at bytes ["
                        + entry.beginByteOffset() + ", " + entry.endByteOffset() + ") overlaps tensor "
                        + previous.name() + " at [" + previous.beginByteOffset() + ", " + previous.endByteOffset()
                        + ")");
            }
            if (entry.beginByteOffset() > expectedBegin) {
                throw new SafeTensorsException(file, "gap of " + (entry.beginByteOffset() - expectedBegin)
                        + " bytes in the data before tensor " + entry.name() + " (expected it to begin at "
                        + expectedBegin + ", got " + entry.beginByteOffset() + ")");
            }
            expectedBegin = entry.endByteOffset();
            previous = entry;
        }
    }

    private static void readFully(Path file, FileChannel channel, ByteBuffer target, long byteOffset)
            throws IOException {
        long position = byteOffset;
        while (target.hasRemaining()) {
            int read = channel.read(target, position);
            if (read < 0) {
                throw new SafeTensorsException(file, "truncated: end of file at byte " + position);
            }
            position += read;
        }
    }
}
