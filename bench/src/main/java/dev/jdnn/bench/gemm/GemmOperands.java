package dev.jdnn.bench.gemm;

import dev.jdnn.bench.SpotCheck;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Off-heap row-major operands of one benchmarked product, filled from a seed, and a spot check of the result against
 * a double-precision dot product, so that no figure is ever published for a wrong answer.
 */
public final class GemmOperands implements AutoCloseable {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
    private static final int CHECKED_ELEMENTS = 64;

    private final Arena arena = Arena.ofShared();
    private final GemmShape shape;
    private final MemorySegment a; // (m, k)
    private final MemorySegment b; // (k, n)
    private final MemorySegment c; // (m, n)

    public GemmOperands(GemmShape shape, long seed) {
        this.shape = shape;
        try {
            a = arena.allocate((long) shape.m() * shape.k() * Float.BYTES, 64);
            b = arena.allocate((long) shape.k() * shape.n() * Float.BYTES, 64);
            c = arena.allocate((long) shape.m() * shape.n() * Float.BYTES, 64);
        } catch (RuntimeException | OutOfMemoryError e) {
            arena.close();
            throw e;
        }
        SplittableRandom random = new SplittableRandom(seed);
        fill(a, random);
        fill(b, random);
    }

    private static void fill(MemorySegment segment, SplittableRandom random) {
        for (long i = 0, n = segment.byteSize() / Float.BYTES; i < n; i++) {
            segment.setAtIndex(FLOAT, i, (float) (random.nextDouble() * 2 - 1));
        }
    }

    public GemmShape shape() {
        return shape;
    }

    public MemorySegment a() {
        return a;
    }

    public MemorySegment b() {
        return b;
    }

    public MemorySegment c() {
        return c;
    }

    /** Zeroes C, so the next check sees only what the next product writes. */
    public void clearC() {
        c.fill((byte) 0);
    }

    /**
     * Compares {@value #CHECKED_ELEMENTS} elements of C spread over the matrix with {@code A·B} computed in double
     * ({@link SpotCheck}: within the f32 forward-error bound {@code (k + 2)·u·Σ|a·b|}).
     *
     * @throws IllegalStateException naming {@code implementation} and the first wrong element
     */
    public void check(String implementation) {
        SplittableRandom random = new SplittableRandom(shape.m() * 31L + shape.n());
        for (int sample = 0; sample < CHECKED_ELEMENTS; sample++) {
            int i = sample == 0 ? 0 : sample == 1 ? shape.m() - 1 : random.nextInt(shape.m());
            int j = sample == 0 ? 0 : sample == 1 ? shape.n() - 1 : random.nextInt(shape.n());
            double sum = 0;
            double magnitude = 0;
            for (int p = 0; p < shape.k(); p++) {
                double term = (double) a.getAtIndex(FLOAT, (long) i * shape.k() + p)
                        * b.getAtIndex(FLOAT, (long) p * shape.n() + j);
                sum += term;
                magnitude += Math.abs(term);
            }
            SpotCheck.requireClose(implementation, "C(" + i + ", " + j + ") of " + shape,
                    c.getAtIndex(FLOAT, (long) i * shape.n() + j), sum, shape.k(), magnitude);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
