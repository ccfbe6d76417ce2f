package dev.jdnn.engine.tensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShapeTest {

    @Test
    void holdsSizesRankAndElementCount() {
        Shape shape = Shape.of(2, 3, 4, 5);
        assertArrayEquals(new int[] {2, 3, 4, 5}, shape.dims());
        assertEquals(4, shape.rank());
        assertEquals(120, shape.elementCount());
        assertEquals(2, shape.dim(0));
        assertEquals(5, shape.dim(3));
    }

    @Test
    void rankZeroIsAScalarWithOneElement() {
        Shape scalar = Shape.of();
        assertEquals(0, scalar.rank());
        assertEquals(1, scalar.elementCount());
        assertArrayEquals(new long[0], scalar.contiguousStrides());
        assertEquals("()", scalar.toString());
        assertEquals(Shape.of(), scalar);
    }

    @Test
    void sizesAreCopiedInAndOut() {
        int[] sizes = {2, 3};
        Shape shape = Shape.of(sizes);
        sizes[0] = 99;
        assertEquals(2, shape.dim(0), "changing the caller's array must not change the shape");
        int[] out = shape.dims();
        out[1] = 99;
        assertEquals(3, shape.dim(1), "changing the returned array must not change the shape");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void rejectsNonPositiveSizeNamingTheDimension(int bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.of(4, 3, bad, 7));
        assertEquals("shape (4, 3, " + bad + ", 7): dimension 2 must be positive, got " + bad, e.getMessage());
    }

    @Test
    void rejectsNonPositiveFirstDimension() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Shape(0));
        assertEquals("shape (0): dimension 0 must be positive, got 0", e.getMessage());
    }

    @Test
    void rejectsElementCountThatOverflowsALong() {
        int max = Integer.MAX_VALUE;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.of(max, max, max));
        assertEquals("shape (" + max + ", " + max + ", " + max + "): element count overflows a long", e.getMessage());
        assertTrue(e.getCause() instanceof ArithmeticException, "cause: " + e.getCause());
    }

    @Test
    void acceptsTheLargestCountsThatFit() {
        int max = Integer.MAX_VALUE;
        // (2^31 - 1)^2 * 2 = 2^63 - 2^33 + 2 <= Long.MAX_VALUE.
        Shape shape = Shape.of(max, max, 2);
        assertEquals((long) max * max * 2, shape.elementCount());
        assertEquals((long) max * max * 2, shape.elementCountFrom(0));
    }

    @Test
    void requireRankPassesAndReturnsTheShape() {
        Shape shape = Shape.of(1, 3, 224, 224);
        assertSame(shape, shape.requireRank(4, "conv2d: input", "N, C, H, W"));
    }

    @Test
    void requireRankMessageNamesArgumentAxesAndActualShape() {
        Shape shape = Shape.of(3, 224, 224);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> shape.requireRank(4, "conv2d: input", "N, C, H, W"));
        assertEquals("conv2d: input must be (N, C, H, W), got (3, 224, 224)", e.getMessage());
    }

    @Test
    void requireRankRejectsTooHighRank() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Shape.of(2, 3, 4).requireRank(2, "linear: weight", "out, in"));
        assertEquals("linear: weight must be (out, in), got (2, 3, 4)", e.getMessage());
    }

    @Test
    void requireEqualPassesAndReturnsTheShape() {
        Shape shape = Shape.of(64, 3, 7, 7);
        assertSame(shape, shape.requireEqual(Shape.of(64, 3, 7, 7), "conv2d: weight"));
    }

    @Test
    void requireEqualMessageGivesExpectedAndActual() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Shape.of(64, 3, 3, 3).requireEqual(Shape.of(64, 3, 7, 7), "conv2d: weight"));
        assertEquals("conv2d: weight must have shape (64, 3, 7, 7), got (64, 3, 3, 3)", e.getMessage());
    }

    @Test
    void requireEqualDistinguishesRanksWithTheSameElementCount() {
        assertThrows(IllegalArgumentException.class, () -> Shape.of(6).requireEqual(Shape.of(2, 3), "x"));
        assertThrows(IllegalArgumentException.class, () -> Shape.of(2, 3).requireEqual(Shape.of(3, 2), "x"));
    }

    @Test
    void negativeAxesCountFromTheEnd() {
        Shape shape = Shape.of(2, 3, 4, 5);
        assertEquals(5, shape.dim(-1));
        assertEquals(4, shape.dim(-2));
        assertEquals(2, shape.dim(-4));
        assertEquals(20, shape.elementCountFrom(-2));
        assertEquals(60, shape.elementCountFrom(1));
        assertEquals(5, shape.elementCountFrom(3));
        assertEquals(120, shape.elementCountFrom(-4));
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 5, -5, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void axisOutOfRangeIsReportedWithTheShape(int axis) {
        Shape shape = Shape.of(2, 3, 4, 5);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> shape.dim(axis));
        assertEquals("axis " + axis + " is out of range for shape (2, 3, 4, 5)", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> shape.elementCountFrom(axis));
        assertThrows(IndexOutOfBoundsException.class, () -> shape.withDim(axis, 1));
    }

    @Test
    void rankZeroHasNoAxes() {
        assertThrows(IndexOutOfBoundsException.class, () -> Shape.of().dim(0));
        assertThrows(IndexOutOfBoundsException.class, () -> Shape.of().dim(-1));
    }

    @Test
    void withDimReplacesOneAxisAndLeavesTheOriginal() {
        Shape shape = Shape.of(8, 3, 32, 32);
        assertEquals(Shape.of(1, 3, 32, 32), shape.withDim(0, 1));
        assertEquals(Shape.of(8, 3, 32, 16), shape.withDim(-1, 16));
        assertEquals(Shape.of(8, 3, 32, 32), shape, "withDim must not modify the shape it is called on");
    }

    @Test
    void withDimValidatesTheNewSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.of(8, 3).withDim(1, 0));
        assertEquals("shape (8, 0): dimension 1 must be positive, got 0", e.getMessage());
    }

    @Test
    void contiguousStridesAreRowMajorInElements() {
        assertArrayEquals(new long[] {60, 20, 5, 1}, Shape.of(2, 3, 4, 5).contiguousStrides());
        assertArrayEquals(new long[] {1}, Shape.of(7).contiguousStrides());
        assertArrayEquals(new long[] {1, 1, 1}, Shape.of(1, 1, 1).contiguousStrides());
    }

    @Test
    void stridesDoNotOverflowForLargeShapes() {
        int max = Integer.MAX_VALUE;
        assertArrayEquals(new long[] {(long) max * 2, 2, 1}, Shape.of(max, max, 2).contiguousStrides());
    }

    @Test
    void equalsAndHashCodeFollowTheSizes() {
        Shape a = Shape.of(2, 3, 4);
        Shape b = new Shape(new int[] {2, 3, 4});
        assertEquals(a, b);
        assertEquals(b, a);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(a, a);
        assertNotEquals(a, Shape.of(2, 3));
        assertNotEquals(a, Shape.of(2, 4, 3));
        assertNotEquals(a, Shape.of(2, 3, 4, 1));
        assertNotEquals(Shape.of(6), Shape.of(2, 3));
        assertNotEquals(a, null);
        assertNotEquals(a, "(2, 3, 4)");
        assertNotEquals(a, new int[] {2, 3, 4});
    }

    @Test
    void toStringIsParenthesizedAndCommaSeparated() {
        assertEquals("(3, 224, 224)", Shape.of(3, 224, 224).toString());
        assertEquals("(7)", Shape.of(7).toString());
        assertEquals("(1, 1)", Shape.of(1, 1).toString());
    }
}
