package dev.jdnn.engine.backend;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.onednn.OneDnnReorder;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.ReferenceBFloat16;
import dev.jdnn.engine.testing.TestBackends;
import dev.jdnn.engine.testing.Tolerance;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reorders (NCHW ↔ NHWC, f32 ↔ bf16, both) on every backend against an index-mapping reference with bf16 rounding
 * from {@link ReferenceBFloat16}. Everything is compared bit for bit: a reorder is data movement plus one correctly
 * rounded conversion, so there is exactly one right answer. f32 subnormals are kept out of the matrix and checked on
 * their own, where oneDNN may flush them to zero.
 */
class ReorderTest {

    private static final TestBackends BACKENDS = new TestBackends();

    @AfterAll
    static void closeBackends() {
        BACKENDS.close();
    }

    /** Every format and type pair on three shapes each (channels, spatial sizes and batch rotating). */
    static Stream<Arguments> matrix() {
        int[][] shapes = {{1, 1, 1, 1}, {5, 3, 7, 5}, {1, 7, 4, 6}, {5, 16, 3, 3}, {1, 17, 5, 8}, {5, 33, 2, 7},
            {1, 3, 17, 19}, {5, 1, 6, 4}, {1, 33, 16, 16}};
        List<Arguments> cases = new ArrayList<>();
        int index = 0;
        for (String backend : TestBackends.NAMES) {
            for (TensorFormat from : TensorFormat.values()) {
                for (TensorFormat to : TensorFormat.values()) {
                    for (DType fromType : new DType[] {DType.F32, DType.BF16}) {
                        for (DType toType : new DType[] {DType.F32, DType.BF16}) {
                            for (int k = 0; k < 3; k++) {
                                int[] s = shapes[index++ % shapes.length];
                                cases.add(Arguments.of(backend, new ReorderSpec(Shape.of(s), from, fromType, to,
                                        toType)));
                            }
                        }
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("matrix")
    void matchesTheReferenceBitForBit(String backend, ReorderSpec spec) {
        long seed = spec.hashCode();
        int count = Math.toIntExact(spec.shape().elementCount());
        int[] sourceBits = sourceBits(seed, count, spec.sourceType());
        int[] expected = reference(spec, sourceBits);
        int[] actual = run(BACKENDS.get(backend).reorder(spec), spec, sourceBits);
        if (backend.equals("onednn")) {
            acceptOneDnnDeviations(spec, sourceBits, expected, actual);
        }
        assertBitsEqual(expected, actual, spec.destinationType(), backend + " " + spec);
    }

    /**
     * oneDNN's conversions (its same-layout copies included, which convert through f32) flush subnormals, f32 or
     * bf16, to a zero of the same sign, and its bf16 to bf16 copy quiets signalling NaNs. Where the output shows
     * exactly that deviation for such an input, it is written into {@code expected}; anything else still fails.
     */
    private static void acceptOneDnnDeviations(ReorderSpec spec, int[] sourceBits, int[] expected, int[] actual) {
        int[] from = sourceIndices(spec);
        for (int i = 0; i < expected.length; i++) {
            int source = sourceBits[from[i]];
            boolean wide = spec.sourceType() == DType.F32;
            int sign = wide ? source >>> 31 : (source >>> 15) & 1;
            boolean subnormal = wide ? (source & 0x7F80_0000) == 0 && (source & 0x007F_FFFF) != 0
                    : (source & 0x7F80) == 0 && (source & 0x007F) != 0;
            int signedZero = spec.destinationType() == DType.F32 ? sign << 31 : sign << 15;
            boolean signallingNan = !wide && (source & 0x7F80) == 0x7F80 && (source & 0x007F) != 0
                    && (source & 0x0040) == 0;
            if (subnormal && actual[i] == signedZero) {
                expected[i] = signedZero;
            } else if (signallingNan && spec.destinationType() == DType.BF16 && actual[i] == (source | 0x0040)) {
                expected[i] = source | 0x0040;
            }
        }
    }

    /** Runs {@code reorder} on a source holding {@code sourceBits} (f32 bits, or bf16 bits in the low 16). */
    static int[] run(Reorder reorder, ReorderSpec spec, int[] sourceBits) {
        try (Tensor input = Tensor.allocate(spec.inputShape(), spec.sourceType());
             Tensor output = Tensor.allocate(spec.outputShape(), spec.destinationType())) {
            MemorySegment in = input.segment();
            for (int i = 0; i < sourceBits.length; i++) {
                if (spec.sourceType() == DType.F32) {
                    in.setAtIndex(JAVA_INT, i, sourceBits[i]);
                } else {
                    in.setAtIndex(JAVA_SHORT, i, (short) sourceBits[i]);
                }
            }
            output.segment().fill((byte) 0x5A); // garbage: every element must be written
            reorder.run(input, output);
            return bits(output);
        }
    }

    static int[] bits(Tensor tensor) {
        int[] bits = new int[Math.toIntExact(tensor.elementCount())];
        MemorySegment segment = tensor.segment();
        for (int i = 0; i < bits.length; i++) {
            bits[i] = tensor.dtype() == DType.F32 ? segment.getAtIndex(JAVA_INT, i)
                    : segment.getAtIndex(JAVA_SHORT, i) & 0xFFFF;
        }
        return bits;
    }

    /**
     * Source bits: uniform values over many magnitudes (subnormals among them), with ±0, ±∞, quiet and signalling NaNs
     * with payloads, the largest finite values and exact ties sprinkled in.
     */
    static int[] sourceBits(long seed, int count, DType type) {
        float[] values = RandomData.uniform(seed, count, -4f, 4f);
        int[] special = {0x0000_0000, 0x8000_0000, 0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0xFFA0_1234, 0x7F80_0001,
            0x7F7F_FFFF, 0xFF7F_FFFF, 0x7F7F_7FFF, 0x3F80_8000, 0x3F81_8000, 0x3F80_8001, 0x0080_0000, 0x0001_8000,
            0x8000_8000, 0x0012_3456};
        int[] bits = new int[count];
        for (int i = 0; i < count; i++) {
            int f32 = i % 5 == 4 ? special[(int) (((i / 5 + seed) & 0x7FFF_FFFF) % special.length)]
                    : Float.floatToRawIntBits(values[i] * (float) Math.pow(2, (i * 37 + seed) % 300 - 150));
            bits[i] = type == DType.F32 ? f32 : (f32 >>> 16); // any bf16 pattern is a truncated f32
        }
        return bits;
    }

    /** The expected destination bits, by index mapping from the definition of the layouts. */
    static int[] reference(ReorderSpec spec, int[] sourceBits) {
        int[] from = sourceIndices(spec);
        int[] out = new int[from.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = convert(sourceBits[from[i]], spec.sourceType(), spec.destinationType());
        }
        return out;
    }

    /** For each destination element, the index of the source element it comes from. */
    static int[] sourceIndices(ReorderSpec spec) {
        Shape s = spec.shape();
        int n = s.dim(0);
        int c = s.dim(1);
        int h = s.dim(2);
        int w = s.dim(3);
        int[] from = new int[Math.toIntExact(s.elementCount())];
        for (int in = 0; in < n; in++) {
            for (int ic = 0; ic < c; ic++) {
                for (int ih = 0; ih < h; ih++) {
                    for (int iw = 0; iw < w; iw++) {
                        from[index(spec.destinationFormat(), n, c, h, w, in, ic, ih, iw)] =
                                index(spec.sourceFormat(), n, c, h, w, in, ic, ih, iw);
                    }
                }
            }
        }
        return from;
    }

    private static int index(TensorFormat format, int n, int c, int h, int w, int in, int ic, int ih, int iw) {
        return format == TensorFormat.NCHW ? ((in * c + ic) * h + ih) * w + iw : ((in * h + ih) * w + iw) * c + ic;
    }

    private static int convert(int bits, DType from, DType to) {
        if (from == to) {
            return bits;
        }
        if (from == DType.F32) {
            return ReferenceBFloat16.round(Float.intBitsToFloat(bits)) & 0xFFFF;
        }
        return Float.floatToRawIntBits(ReferenceBFloat16.toFloat((short) bits));
    }

    /** Bits compared as floats (bf16 widened exactly) so that the one helper reports them. */
    static void assertBitsEqual(int[] expected, int[] actual, DType type, String what) {
        Tolerance.assertBitsEqual(asFloats(expected, type), asFloats(actual, type), what);
    }

    private static float[] asFloats(int[] bits, DType type) {
        float[] values = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            values[i] = Float.intBitsToFloat(type == DType.F32 ? bits[i] : bits[i] << 16);
        }
        return values;
    }

    @Test
    void implementationsChosenByOneDnn(TestReporter reporter) {
        TestBackends.requireOneDnn();
        Backend onednn = BACKENDS.get("onednn");
        for (TensorFormat from : TensorFormat.values()) {
            for (DType fromType : new DType[] {DType.F32, DType.BF16}) {
                for (TensorFormat to : TensorFormat.values()) {
                    for (DType toType : new DType[] {DType.F32, DType.BF16}) {
                        ReorderSpec spec = new ReorderSpec(Shape.of(1, 64, 56, 56), from, fromType, to, toType);
                        Reorder reorder = onednn.reorder(spec);
                        String name = reorder instanceof OneDnnReorder r ? r.implementation() : "java fallback";
                        reporter.publishEntry(from + " " + fromType + " -> " + to + " " + toType, name);
                    }
                }
            }
        }
    }

    @Test
    void specValidation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ReorderSpec(
                Shape.of(3, 4, 5), TensorFormat.NCHW, DType.F32, TensorFormat.NHWC, DType.F32));
        assertEquals("reorder: shape must be (N, C, H, W), got (3, 4, 5)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ReorderSpec(
                Shape.of(1, 3, 4, 5), TensorFormat.NCHW, DType.S8, TensorFormat.NHWC, DType.F32));
        assertEquals("reorder: the source type must be f32 or bf16, got s8", e.getMessage());
        ReorderSpec spec = new ReorderSpec(Shape.of(2, 3, 4, 5), TensorFormat.NCHW, DType.F32, TensorFormat.NHWC,
                DType.BF16);
        assertEquals(Shape.of(2, 3, 4, 5), spec.inputShape());
        assertEquals(Shape.of(2, 4, 5, 3), spec.outputShape());
        Backend java = BACKENDS.get("java");
        assertSame(java.reorder(spec), java.reorder(new ReorderSpec(Shape.of(2, 3, 4, 5), TensorFormat.NCHW,
                DType.F32, TensorFormat.NHWC, DType.BF16)), "an equal spec is the same key");
    }

    @Test
    void badArgumentsFailWithTheSameMessageOnEveryBackend() {
        TestBackends.requireOneDnn();
        ReorderSpec spec = new ReorderSpec(Shape.of(2, 3, 4, 5), TensorFormat.NCHW, DType.F32, TensorFormat.NHWC,
                DType.BF16);
        Reorder java = BACKENDS.get("java").reorder(spec);
        Reorder onednn = BACKENDS.get("onednn").reorder(spec);
        Tensor closed = Tensor.allocate(Shape.of(2, 3, 4, 5), DType.F32);
        closed.close(); // a closed tensor as an argument
        try (Tensor x = Tensor.allocate(Shape.of(2, 3, 4, 5), DType.F32);
             Tensor y = Tensor.allocate(Shape.of(2, 4, 5, 3), DType.BF16);
             Tensor yF32 = Tensor.allocate(Shape.of(2, 4, 5, 3), DType.F32);
             Tensor yNchw = Tensor.allocate(Shape.of(2, 3, 4, 5), DType.BF16);
             Tensor big = Tensor.allocate(Shape.of(240), DType.F32)) {
            assertSameFailure(IllegalArgumentException.class, java, onednn, x, yF32, "must be bf16, got f32");
            assertSameFailure(IllegalArgumentException.class, java, onednn, x, yNchw,
                    "reorder: output (NHWC, physical shape N, H, W, C) must have shape (2, 4, 5, 3), got (2, 3, 4, 5)");
            assertSameFailure(IllegalArgumentException.class, java, onednn, null, y, "reorder: input is null");
            assertSameFailure(IllegalArgumentException.class, java, onednn, x, null, "reorder: output is null");
            assertSameFailure(IllegalStateException.class, java, onednn, closed, y, "closed tensor");
            // Two views of one buffer that share elements: (2, 120) rows 0 and 1 of a (240) buffer, shifted by half.
            ReorderSpec f32 = new ReorderSpec(Shape.of(1, 3, 4, 5), TensorFormat.NCHW, DType.F32, TensorFormat.NHWC,
                    DType.F32);
            Tensor rows = big.reshape(4, 60);
            assertSameFailure(IllegalArgumentException.class, BACKENDS.get("java").reorder(f32),
                    BACKENDS.get("onednn").reorder(f32), rows.sliceBatch(0, 1).reshape(1, 3, 4, 5),
                    rows.sliceBatch(0, 1).reshape(1, 4, 5, 3), "reorder: output must not share memory with reorder: input");
        }
    }

    private static <T extends Throwable> void assertSameFailure(Class<T> type, Reorder java, Reorder onednn,
                                                                Tensor input, Tensor output, String mentions) {
        Executable onJava = () -> java.run(input, output);
        Executable onOneDnn = () -> onednn.run(input, output);
        String fromJava = assertThrows(type, onJava).getMessage();
        String fromOneDnn = assertThrows(type, onOneDnn).getMessage();
        assertEquals(fromJava, fromOneDnn);
        assertTrue(fromJava.contains(mentions), () -> "message should mention '" + mentions + "': " + fromJava);
    }
}
