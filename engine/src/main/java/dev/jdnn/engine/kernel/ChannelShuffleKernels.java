package dev.jdnn.engine.kernel;

import java.lang.foreign.MemorySegment;

/**
 * ShuffleNet v2's channel shuffle at segment level: {@code x} seen as {@code (N, groups, C/groups, S)} is written to
 * {@code y} as {@code (N, C/groups, groups, S)}, with {@code S} the plane size ({@code H * W}, or 1). Output plane
 * {@code (n, j * groups + i)} is input plane {@code (n, i * (C/groups) + j)}. No checks, no threads:
 * {@link ChannelShuffle} does both; {@code y} must not overlap {@code x}.
 */
public interface ChannelShuffleKernels {

    /**
     * Copies output planes {@code [firstPlane, firstPlane + planeCount)} of the {@code N * C} planes, bit for bit.
     *
     * @param x {@code (N, C, S)}
     * @param y {@code (N, C, S)}
     */
    void shuffle(MemorySegment x, MemorySegment y, long firstPlane, long planeCount, int channels, int groups,
                 long planeSize);
}
