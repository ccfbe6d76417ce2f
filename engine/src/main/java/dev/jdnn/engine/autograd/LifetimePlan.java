package dev.jdnn.engine.autograd;

import java.util.Arrays;

/**
 * When each activation of an inference pass is read for the last time, learned from the first pass of a fixed model
 * and input shape (the sequence of ops is the same every time): later passes give each activation's memory back to
 * their {@link TensorCache} as soon as its last reader has run, so the next ops reuse it while it is still in cache
 * and a pass holds only the activations that are alive at once. For graphs that do not record (inference): backward
 * would need every saved value.
 */
public final class LifetimePlan {

    private volatile int[][] releaseAt; // op index → the outputs (by creation index) whose last reader is the op before it

    /** Whether a pass has taught this plan the lifetimes. */
    public boolean learned() {
        return releaseAt != null;
    }

    /** Learns from a finished pass: {@code lastUse[i]} is the op index of output {@code i}'s last reader (or -1). */
    void learn(int[] lastUse, int ops) {
        int[] counts = new int[ops + 1];
        for (int i = 0; i < lastUse.length; i++) {
            counts[release(lastUse[i], i)]++;
        }
        int[][] plan = new int[ops + 1][];
        for (int op = 0; op <= ops; op++) {
            plan[op] = new int[counts[op]];
        }
        int[] filled = new int[ops + 1];
        for (int i = 0; i < lastUse.length; i++) {
            int op = release(lastUse[i], i);
            plan[op][filled[op]++] = i;
        }
        this.releaseAt = plan;
    }

    /** Output {@code index} (made by op {@code index}... or later) is released when the op after its last reader starts. */
    private static int release(int lastUse, int created) {
        return Math.max(lastUse, created) + 1;
    }

    /** The outputs to release when op {@code op} starts. */
    int[] releasedWhen(int op) {
        return op < releaseAt.length ? releaseAt[op] : EMPTY;
    }

    private static final int[] EMPTY = {};

    @Override
    public String toString() {
        return learned() ? "LifetimePlan" + Arrays.deepToString(releaseAt) : "LifetimePlan(not learned)";
    }
}
