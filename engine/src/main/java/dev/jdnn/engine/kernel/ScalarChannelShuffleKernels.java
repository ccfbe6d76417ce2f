package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;

/**
 * The channel shuffle as one bulk copy per plane ({@link MemorySegment#copy}, already vectorized by the JVM), so it has
 * no Vector API twin.
 */
final class ScalarChannelShuffleKernels implements ChannelShuffleKernels {

    @Override
    public void shuffle(MemorySegment x, MemorySegment y, long firstPlane, long planeCount, int channels, int groups,
                        long planeSize) {
        int channelsPerGroup = channels / groups;
        long planeBytes = planeSize * Float.BYTES;
        for (long plane = firstPlane, end = firstPlane + planeCount; plane < end; plane++) {
            long item = plane / channels;
            int outputChannel = (int) (plane % channels);
            int group = outputChannel % groups; // i
            int indexInGroup = outputChannel / groups; // j
            long sourcePlane = item * channels + (long) group * channelsPerGroup + indexInGroup;
            MemorySegment.copy(x, sourcePlane * planeBytes, y, plane * planeBytes, planeBytes);
        }
    }
}
