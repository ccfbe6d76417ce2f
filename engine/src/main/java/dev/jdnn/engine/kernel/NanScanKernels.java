package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;

/**
 * Finding the first NaN in f32 memory, at segment level: offsets and counts in elements; no checks ({@link NanScan}
 * does them). What an inference session runs on each input when it refuses NaN.
 */
public interface NanScanKernels {

    /** The smallest index in {@code [offset, offset + count)} whose value is NaN, or {@code -1}. */
    long firstNaN(MemorySegment x, long offset, long count);
}
