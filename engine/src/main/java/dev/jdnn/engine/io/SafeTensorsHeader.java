package dev.jdnn.engine.io;

import java.util.List;
import java.util.Map;

/**
 * A parsed and validated header: the tensors in data order (each starting where the previous ends), the metadata, and
 * where the data section starts in the file.
 */
record SafeTensorsHeader(List<SafeTensorsEntry> entries, Map<String, String> metadata, long dataByteOffset) {

    SafeTensorsHeader {
        entries = List.copyOf(entries);
        metadata = Map.copyOf(metadata);
    }

    /** Bytes the data section must hold: the end of the last tensor. */
    long dataByteSize() {
        return entries.isEmpty() ? 0 : entries.getLast().endByteOffset();
    }
}
