package dev.jdnn.engine.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a safetensors header as the reference writer does: compact JSON with {@code __metadata__} first (omitted when
 * empty) and the tensors in data order, padded with spaces to a multiple of 8 bytes so the data section stays aligned.
 */
final class HeaderEncoder {

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final int ALIGNMENT_BYTES = 8;

    private HeaderEncoder() {
    }

    /** The padded header bytes (without the 8-byte length); metadata keys are written in sorted order. */
    static byte[] encode(List<SafeTensorsEntry> entries, Map<String, String> metadata) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            json.writeStartObject();
            if (!metadata.isEmpty()) {
                json.writeObjectFieldStart(HeaderParser.METADATA_KEY);
                for (Map.Entry<String, String> field : new TreeMap<>(metadata).entrySet()) {
                    json.writeStringField(field.getKey(), field.getValue());
                }
                json.writeEndObject();
            }
            for (SafeTensorsEntry entry : entries) {
                json.writeObjectFieldStart(entry.name());
                json.writeStringField("dtype", entry.dtype().name());
                json.writeArrayFieldStart("shape");
                for (long d : entry.dims()) {
                    json.writeNumber(d);
                }
                json.writeEndArray();
                json.writeArrayFieldStart("data_offsets");
                json.writeNumber(entry.beginByteOffset());
                json.writeNumber(entry.endByteOffset());
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing a JSON header to memory", e); // a ByteArrayOutputStream never fails
        }
        int length = bytes.size();
        int padded = (length + ALIGNMENT_BYTES - 1) / ALIGNMENT_BYTES * ALIGNMENT_BYTES;
        byte[] header = Arrays.copyOf(bytes.toByteArray(), padded);
        Arrays.fill(header, length, padded, (byte) ' ');
        return header;
    }
}
