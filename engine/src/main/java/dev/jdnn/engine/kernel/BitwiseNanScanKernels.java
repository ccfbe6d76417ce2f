package dev.jdnn.engine.kernel;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;

/**
 * The NaN scan the engine uses: plain Java that C2 vectorizes by itself, not the Vector API. An inference session
 * scans every input, often before any other Java kernel has run; on the oneDNN path the Vector API's first use (its
 * classes loaded, its methods interpreted until compiled) added 300–400 ms to ResNet-50's launch-to-first-result,
 * where this loop costs nothing measurable cold and about as much as a vector loop hot.
 *
 * <p>A float is NaN when its bits without the sign exceed those of infinity ({@code 0x7f800000}); per block of
 * {@value #BLOCK} elements the loop ORs {@code 0x7f800000 - (bits & 0x7fffffff)}, negative for a NaN, with no branch
 * (a reduction C2 turns into vector code); a block that turns negative is searched element by element, so the answer
 * is the first NaN, as the scalar reference's.
 */
final class BitwiseNanScanKernels implements NanScanKernels {

    private static final int BLOCK = 4096;

    @Override
    public long firstNaN(MemorySegment x, long offset, long count) {
        long end = offset + count;
        for (long block = offset; block < end; block += BLOCK) {
            long blockEnd = Math.min(block + BLOCK, end);
            int flags = 0;
            for (long i = block; i < blockEnd; i++) {
                flags |= 0x7f800000 - (x.getAtIndex(JAVA_INT, i) & 0x7fffffff);
            }
            if (flags < 0) {
                for (long i = block; i < blockEnd; i++) {
                    if ((x.getAtIndex(JAVA_INT, i) & 0x7fffffff) > 0x7f800000) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }
}
