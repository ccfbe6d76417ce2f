package dev.jdnn.engine.tensor;

import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorTest {

    private static final long ALIGNMENT_BYTES = 64;

    // ---------------------------------------------------------------- allocation

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 15, 16, 17, 31, 33, 127, 257})
    void ownedTensorsAre64ByteAlignedAndZeroFilled(int size) {
        // Allocate a few in a row so that a 16-byte-aligned allocator would be caught by at least one of them.
        List<Tensor> tensors = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Tensor tensor = Tensor.allocate(size, 3);
                tensors.add(tensor);
                MemorySegment segment = tensor.segment("t");
                assertEquals(0, segment.address() % ALIGNMENT_BYTES, "address of a tensor of " + size + " x 3");
                assertEquals((long) size * 3 * Float.BYTES, segment.byteSize());
                Tolerance.assertBitsEqual(new float[size * 3], tensor.toFloatArray(), "fresh tensor");
            }
        } finally {
            tensors.forEach(Tensor::close);
        }
    }

    @Test
    @SuppressWarnings("try") // closes the original inside the block on purpose
    void copyOwnsItsOwnMemory() {
        float[] values = RandomData.uniform(7, 2 * 3 * 5);
        try (Tensor tensor = Tensor.of(values, 2, 3, 5); Tensor view = tensor.reshape(6, 5); Tensor copy = view.copy()) {
            assertEquals(view.shape(), copy.shape());
            tensor.fill(0f);
            Tolerance.assertBitsEqual(values, copy.toFloatArray(), "copy after the original changed");
            tensor.close();
            Tolerance.assertBitsEqual(values, copy.toFloatArray(), "copy after the original closed");
            IllegalStateException e = assertThrows(IllegalStateException.class, view::copy);
            assertTrue(e.getMessage().contains("copy: tensor"), e.getMessage());
        }
    }

    @Test
    void tensorsInACallersArenaAre64ByteAlignedAndZeroFilled() {
        try (Arena arena = Arena.ofConfined()) {
            for (int size : new int[] {1, 3, 7, 17, 33}) {
                arena.allocate(size); // leave the arena's bump pointer at an odd place
                Tensor tensor = Tensor.allocate(arena, Shape.of(size), DType.F32);
                assertEquals(0, tensor.segment("t").address() % ALIGNMENT_BYTES, "address for size " + size);
                Tolerance.assertBitsEqual(new float[size], tensor.toFloatArray(), "fresh tensor in arena");
            }
        }
    }

    @Test
    void reportsShapeDTypeStridesAndSizes() {
        try (Tensor tensor = Tensor.allocate(2, 3, 4, 5)) {
            assertEquals(Shape.of(2, 3, 4, 5), tensor.shape());
            assertEquals(DType.F32, tensor.dtype());
            assertEquals(4, tensor.rank());
            assertEquals(3, tensor.dim(1));
            assertEquals(5, tensor.dim(-1));
            assertEquals(120, tensor.elementCount());
            assertEquals(480, tensor.byteSize());
            assertArrayEquals(new long[] {60, 20, 5, 1}, tensor.strides());
            assertTrue(tensor.isContiguous());
            assertFalse(tensor.isView());
            assertTrue(tensor.isOpen());
        }
    }

    @Test
    void stridesAreACopy() {
        try (Tensor tensor = Tensor.allocate(2, 3)) {
            tensor.strides()[0] = 99;
            assertArrayEquals(new long[] {3, 1}, tensor.strides());
        }
    }

    @Test
    void rankZeroTensorHoldsOneElement() {
        try (Tensor scalar = Tensor.of(new float[] {2.5f})) {
            assertEquals(0, scalar.rank());
            assertEquals(1, scalar.elementCount());
            assertBits(2.5f, scalar.get(), "scalar.get()");
            scalar.set(-4f);
            assertBits(-4f, scalar.get(), "scalar.get() after set");
            assertEquals(Shape.of(1), scalar.flatten().shape());
        }
    }

    @Test
    void tooLargeTensorIsRejectedBeforeAllocating() {
        int max = Integer.MAX_VALUE;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.allocate(max, max, 2));
        assertEquals("tensor of shape (" + max + ", " + max + ", 2) is too large", e.getMessage());
    }

    @Test
    void nonPositiveSizeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.allocate(2, 0, 3));
        assertEquals("shape (2, 0, 3): dimension 1 must be positive, got 0", e.getMessage());
    }

    // ---------------------------------------------------------------- copies in and out

    @Test
    void ofAndToFloatArrayRoundTripEveryBitPattern() {
        float[] values = {0f, -0f, 1f, -1.5f, Float.MIN_VALUE, -Float.MIN_NORMAL, Float.MAX_VALUE,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0x7fc0_1234), 3e-39f};
        try (Tensor tensor = Tensor.of(values, 3, 4)) {
            assertEquals(Shape.of(3, 4), tensor.shape());
            Tolerance.assertBitsEqual(values, tensor.toFloatArray(), "round trip through Tensor.of");
        }
    }

    @Test
    void ofCopiesTheCallersArray() {
        float[] values = RandomData.uniform(1, 12);
        float[] original = values.clone();
        try (Tensor tensor = Tensor.of(values, 12)) {
            values[0] = 42f;
            Tolerance.assertBitsEqual(original, tensor.toFloatArray(), "tensor after the caller changed its array");
            float[] out = tensor.toFloatArray();
            out[1] = 42f;
            Tolerance.assertBitsEqual(original, tensor.toFloatArray(), "tensor after the caller changed the copy");
        }
    }

    @Test
    void ofRejectsWrongValueCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
        assertEquals("Tensor.of: values must have 6 elements for shape (2, 3), got 5", e.getMessage());
    }

    @Test
    void copyFromArrayRoundTrips() {
        float[] values = RandomData.uniform(2, 257);
        try (Tensor tensor = Tensor.allocate(257)) {
            tensor.copyFrom(values);
            Tolerance.assertBitsEqual(values, tensor.toFloatArray(), "copyFrom(float[])");
        }
    }

    @Test
    void copyFromArrayRejectsWrongLength() {
        try (Tensor tensor = Tensor.allocate(2, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tensor.copyFrom(new float[7]));
            assertEquals("copyFrom: values must have 6 elements for (2, 3), got 7", e.getMessage());
        }
    }

    @Test
    void copyFromTensorCopiesAllElements() {
        float[] values = RandomData.uniform(3, 24);
        try (Tensor source = Tensor.of(values, 2, 3, 4); Tensor target = Tensor.allocate(2, 3, 4)) {
            target.copyFrom(source);
            Tolerance.assertBitsEqual(values, target.toFloatArray(), "copyFrom(Tensor)");
            source.fill(0f);
            Tolerance.assertBitsEqual(values, target.toFloatArray(), "target after the source changed");
        }
    }

    @Test
    void copyFromTensorRejectsOtherShapeOrDType() {
        try (Tensor target = Tensor.allocate(2, 3); Tensor wrongShape = Tensor.allocate(3, 2);
             Tensor wrongDType = Tensor.allocate(Shape.of(2, 3), DType.BF16)) {
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> target.copyFrom(wrongShape));
            assertEquals("copyFrom: source must have shape (2, 3), got (3, 2)", shape.getMessage());
            IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class, () -> target.copyFrom(wrongDType));
            assertEquals("copyFrom: source must be f32, got bf16", dtype.getMessage());
        }
    }

    @Test
    void fillSetsEveryElement() {
        try (Tensor tensor = Tensor.allocate(3, 7)) {
            tensor.fill(1.25f);
            float[] expected = new float[21];
            Arrays.fill(expected, 1.25f);
            Tolerance.assertBitsEqual(expected, tensor.toFloatArray(), "fill(1.25)");
            tensor.fill(-0f);
            Arrays.fill(expected, -0f);
            Tolerance.assertBitsEqual(expected, tensor.toFloatArray(), "fill(-0) keeps the sign bit");
            tensor.fill(0f);
            Tolerance.assertBitsEqual(new float[21], tensor.toFloatArray(), "fill(0)");
        }
    }

    // ---------------------------------------------------------------- element access

    @Test
    void getAndSetUseRowMajorIndices() {
        float[] values = new float[24];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        try (Tensor tensor = Tensor.of(values, 2, 3, 4)) {
            assertBits(0f, tensor.get(0, 0, 0), "get(0, 0, 0)");
            assertBits(7f, tensor.get(0, 1, 3), "get(0, 1, 3)");
            assertBits(13f, tensor.get(1, 0, 1), "get(1, 0, 1)");
            assertBits(23f, tensor.get(1, 2, 3), "get(1, 2, 3)");
            tensor.set(-5f, 1, 2, 0);
            assertBits(-5f, tensor.toFloatArray()[1 * 12 + 2 * 4], "element written by set(1, 2, 0)");
        }
    }

    @Test
    void getAndSetRejectWrongNumberOfIndices() {
        try (Tensor tensor = Tensor.allocate(2, 3)) {
            IllegalArgumentException get = assertThrows(IllegalArgumentException.class, () -> tensor.get(1));
            assertEquals("index [1] must have one entry per axis of (2, 3)", get.getMessage());
            IllegalArgumentException set = assertThrows(IllegalArgumentException.class, () -> tensor.set(1f, 0, 0, 0));
            assertEquals("index [0, 0, 0] must have one entry per axis of (2, 3)", set.getMessage());
        }
    }

    @Test
    void getAndSetRejectIndicesOutsideTheShape() {
        try (Tensor tensor = Tensor.allocate(2, 3)) {
            for (int[] index : new int[][] {{2, 0}, {0, 3}, {-1, 0}, {0, -1}, {Integer.MIN_VALUE, 0}}) {
                IndexOutOfBoundsException get = assertThrows(IndexOutOfBoundsException.class, () -> tensor.get(index));
                assertEquals("index " + Arrays.toString(index) + " is outside (2, 3)", get.getMessage());
                assertThrows(IndexOutOfBoundsException.class, () -> tensor.set(1f, index));
            }
            Tolerance.assertBitsEqual(new float[6], tensor.toFloatArray(), "tensor after rejected writes");
        }
    }

    // ---------------------------------------------------------------- views

    @Test
    void reshapeIsAViewThatSharesMemory() {
        float[] values = RandomData.uniform(4, 24);
        try (Tensor base = Tensor.of(values, 2, 3, 4)) {
            Tensor view = base.reshape(6, 4);
            assertTrue(view.isView());
            assertEquals(Shape.of(6, 4), view.shape());
            assertArrayEquals(new long[] {4, 1}, view.strides());
            assertTrue(view.isContiguous());
            assertEquals(base.segment("base").address(), view.segment("view").address(), "no copy");
            Tolerance.assertBitsEqual(values, view.toFloatArray(), "view contents");

            view.set(9f, 5, 3); // the last element
            assertBits(9f, base.get(1, 2, 3), "write through the view, read through the base");
            base.set(-9f, 0, 0, 1);
            assertBits(-9f, view.get(0, 1), "write through the base, read through the view");
        }
    }

    @Test
    void reshapeInfersOneSize() {
        try (Tensor base = Tensor.allocate(2, 3, 4)) {
            assertEquals(Shape.of(24), base.reshape(-1).shape());
            assertEquals(Shape.of(2, 12), base.reshape(2, -1).shape());
            assertEquals(Shape.of(8, 3), base.reshape(-1, 3).shape());
            assertEquals(Shape.of(2, 3, 2, 2), base.reshape(2, 3, -1, 2).shape());
            assertEquals(Shape.of(1, 24, 1), base.reshape(1, -1, 1).shape());
        }
    }

    @Test
    void reshapeOfAViewIsAViewOfTheSameMemory() {
        try (Tensor base = Tensor.allocate(4, 6)) {
            Tensor twice = base.reshape(2, 12).reshape(3, -1);
            assertEquals(Shape.of(3, 8), twice.shape());
            twice.set(3f, 2, 7);
            assertBits(3f, base.get(3, 5), "write through a view of a view");
        }
    }

    @Test
    void flattenMakesOneAxis() {
        try (Tensor base = Tensor.allocate(2, 3, 4, 5)) {
            Tensor flat = base.flatten();
            assertTrue(flat.isView());
            assertEquals(Shape.of(120), flat.shape());
            flat.set(7f, 119);
            assertBits(7f, base.get(1, 2, 3, 4), "write through flatten()");
        }
    }

    @Test
    void flattenFromAnAxisKeepsTheLeadingAxes() {
        try (Tensor base = Tensor.allocate(2, 3, 4, 5)) {
            assertEquals(Shape.of(2, 60), base.flatten(1).shape());
            assertEquals(Shape.of(2, 3, 20), base.flatten(2).shape());
            assertEquals(Shape.of(2, 3, 4, 5), base.flatten(3).shape());
            assertEquals(Shape.of(2, 3, 4, 5), base.flatten(-1).shape());
            assertEquals(Shape.of(2, 3, 20), base.flatten(-2).shape());
            assertEquals(Shape.of(120), base.flatten(0).shape());
            Tensor features = base.flatten(1);
            features.set(5f, 1, 59);
            assertBits(5f, base.get(1, 2, 3, 4), "write through flatten(1)");
        }
    }

    @Test
    void flattenRejectsAxisOutOfRange() {
        try (Tensor base = Tensor.allocate(2, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> base.flatten(2));
            assertEquals("flatten: start axis 2 is out of range for (2, 3)", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> base.flatten(-3));
        }
    }

    @Test
    void sliceBatchIsAViewOfConsecutiveItems() {
        float[] values = new float[4 * 3 * 2];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        try (Tensor base = Tensor.of(values, 4, 3, 2)) {
            Tensor slice = base.sliceBatch(1, 2);
            assertTrue(slice.isView());
            assertEquals(Shape.of(2, 3, 2), slice.shape());
            assertEquals(12 * Float.BYTES, slice.byteSize());
            assertEquals(base.segment("base").address() + 6 * Float.BYTES, slice.segment("slice").address(), "no copy");
            Tolerance.assertBitsEqual(Arrays.copyOfRange(values, 6, 18), slice.toFloatArray(), "slice [1, 3)");

            slice.set(-1f, 1, 2, 1); // item 2 of the base, last element
            assertBits(-1f, base.get(2, 2, 1), "write through the slice, read through the base");
            assertBits(18f, base.get(3, 0, 0), "the item after the slice is untouched");

            Tensor last = base.sliceBatch(3, 1);
            assertEquals(Shape.of(1, 3, 2), last.shape());
            Tolerance.assertBitsEqual(Arrays.copyOfRange(values, 18, 24), last.toFloatArray(), "last item");
        }
    }

    @Test
    void sliceOfASliceAndReshapeOfASlice() {
        try (Tensor base = Tensor.allocate(8, 5)) {
            Tensor inner = base.sliceBatch(2, 5).sliceBatch(1, 3); // items 3, 4, 5 of the base
            assertEquals(Shape.of(3, 5), inner.shape());
            inner.set(4f, 0, 0);
            assertBits(4f, base.get(3, 0), "first element of a slice of a slice");
            Tensor flat = inner.flatten();
            flat.set(6f, 14);
            assertBits(6f, base.get(5, 4), "last element of a flattened slice of a slice");
            inner.fill(1f);
            float[] expected = new float[40];
            Arrays.fill(expected, 15, 30, 1f);
            Tolerance.assertBitsEqual(expected, base.toFloatArray(), "fill through a slice touches only its items");
        }
    }

    @Test
    void badReshapesFailWithClearMessages() {
        try (Tensor base = Tensor.allocate(2, 3)) {
            assertMessage("reshape: at most one size may be -1, got [-1, -1]", () -> base.reshape(-1, -1));
            assertMessage("reshape: sizes must be positive or -1, got [0, 6]", () -> base.reshape(0, 6));
            assertMessage("reshape: sizes must be positive or -1, got [-2, 3]", () -> base.reshape(-2, 3));
            assertMessage("reshape: cannot view (2, 3) (6 elements) as (4, 2) (8 elements)", () -> base.reshape(4, 2));
            assertMessage("reshape: cannot view (2, 3) (6 elements) as (5) (5 elements)", () -> base.reshape(5));
            assertMessage("reshape: cannot view (2, 3) (6 elements) as () (1 elements)", base::reshape);
            assertMessage("reshape: cannot view (2, 3) as [4, -1]: 6 elements are not divisible by 4",
                    () -> base.reshape(4, -1));
            assertMessage("reshape: cannot view (2, 3) as [12, -1]: 6 elements are not divisible by 12",
                    () -> base.reshape(12, -1));
        }
    }

    @Test
    void reshapeWithSizesWhoseProductOverflowsFailsWithAClearMessage() {
        try (Tensor base = Tensor.allocate(2, 3)) {
            // 65536^4 = 2^64 wraps to 0 in a long; 2^31 - 1 cubed wraps to a negative number.
            IllegalArgumentException wrapsToZero = assertThrows(IllegalArgumentException.class,
                    () -> base.reshape(65536, 65536, 65536, 65536, -1));
            assertTrue(wrapsToZero.getMessage().startsWith("reshape: cannot view (2, 3) as [65536, 65536, 65536, 65536, -1]"),
                    wrapsToZero.getMessage());
            int max = Integer.MAX_VALUE;
            IllegalArgumentException wrapsNegative = assertThrows(IllegalArgumentException.class,
                    () -> base.reshape(max, max, max, -1));
            assertTrue(wrapsNegative.getMessage().startsWith("reshape: cannot view (2, 3) as"), wrapsNegative.getMessage());
            IllegalArgumentException noInferred = assertThrows(IllegalArgumentException.class,
                    () -> base.reshape(max, max, max));
            assertTrue(noInferred.getMessage().startsWith("reshape: cannot view (2, 3)"), noInferred.getMessage());
        }
    }

    @Test
    void badSlicesFailWithClearMessages() {
        try (Tensor base = Tensor.allocate(4, 3)) {
            assertMessage("sliceBatch: range [-1, 1) must lie inside batch axis of size 4 of (4, 3)",
                    () -> base.sliceBatch(-1, 2));
            assertMessage("sliceBatch: range [1, 1) must lie inside batch axis of size 4 of (4, 3)",
                    () -> base.sliceBatch(1, 0));
            assertMessage("sliceBatch: range [2, 0) must lie inside batch axis of size 4 of (4, 3)",
                    () -> base.sliceBatch(2, -2));
            assertMessage("sliceBatch: range [3, 5) must lie inside batch axis of size 4 of (4, 3)",
                    () -> base.sliceBatch(3, 2));
            assertMessage("sliceBatch: range [4, 5) must lie inside batch axis of size 4 of (4, 3)",
                    () -> base.sliceBatch(4, 1));
            assertMessage("sliceBatch: range [2, 2147483649) must lie inside batch axis of size 4 of (4, 3)",
                    () -> base.sliceBatch(2, Integer.MAX_VALUE));
        }
    }

    // ---------------------------------------------------------------- dtypes

    @Test
    void otherDTypesHaveTheirByteSizeAndRefuseF32Access() {
        try (Tensor bf16 = Tensor.allocate(Shape.of(2, 3), DType.BF16);
             Tensor s8 = Tensor.allocate(Shape.of(5), DType.S8)) {
            assertEquals(DType.BF16, bf16.dtype());
            assertEquals(12, bf16.byteSize());
            assertEquals(5, s8.byteSize());
            assertEquals(0, bf16.segment("bf16").address() % ALIGNMENT_BYTES);

            assertMessage("toFloatArray: tensor must be f32, got bf16", bf16::toFloatArray);
            assertMessage("get: tensor must be f32, got bf16", () -> bf16.get(0, 0));
            assertMessage("set: tensor must be f32, got bf16", () -> bf16.set(1f, 0, 0));
            assertMessage("fill: tensor must be f32, got bf16", () -> bf16.fill(1f));
            assertMessage("copyFrom: tensor must be f32, got bf16", () -> bf16.copyFrom(new float[6]));
            assertMessage("toFloatArray: tensor must be f32, got s8", s8::toFloatArray);
            assertMessage("conv2d: weight must be f32, got bf16", () -> bf16.requireDType(DType.F32, "conv2d: weight"));
            assertSame(bf16, bf16.requireDType(DType.BF16, "x"));

            // Views keep the dtype and its element size.
            Tensor view = bf16.reshape(3, 2).sliceBatch(1, 2);
            assertEquals(DType.BF16, view.dtype());
            assertEquals(8, view.byteSize());
            assertEquals(bf16.segment("bf16").address() + 4, view.segment("view").address());
        }
    }

    @Test
    void copyFromTensorCopiesOtherDTypesByteForByte() {
        try (Tensor source = Tensor.allocate(Shape.of(3), DType.BF16);
             Tensor target = Tensor.allocate(Shape.of(3), DType.BF16)) {
            source.segment("source").setAtIndex(ValueLayout.JAVA_SHORT, 2, (short) 0x3f80); // bf16 1.0
            target.copyFrom(source);
            assertEquals((short) 0x3f80, target.segment("target").getAtIndex(ValueLayout.JAVA_SHORT, 2));
            assertEquals((short) 0, target.segment("target").getAtIndex(ValueLayout.JAVA_SHORT, 1));
        }
    }

    // ---------------------------------------------------------------- toString

    @Test
    void toStringShowsShapeDTypeAndTheFirstValues() {
        try (Tensor small = Tensor.of(new float[] {0.5f, -1.5f}, 2);
             Tensor exact = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
             Tensor large = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4);
             Tensor scalar = Tensor.of(new float[] {3f});
             Tensor bf16 = Tensor.allocate(Shape.of(2, 3), DType.BF16)) {
            assertEquals("Tensor(2) f32 [0.5, -1.5]", small.toString());
            assertEquals("Tensor(2, 3) f32 [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]", exact.toString());
            assertEquals("Tensor(2, 4) f32 [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, ... (2 more)]", large.toString());
            assertEquals("Tensor() f32 [3.0]", scalar.toString());
            assertEquals("Tensor(2, 3) bf16", bf16.toString());
            assertEquals("Tensor(1, 4) f32 [5.0, 6.0, 7.0, 8.0]", large.sliceBatch(1, 1).toString());
        }
    }

    // ---------------------------------------------------------------- closing

    @Test
    void closingTheOwnerClosesItAndEveryView() {
        Tensor base = Tensor.of(RandomData.uniform(5, 24), 4, 6);
        Tensor reshaped = base.reshape(2, -1);
        Tensor flat = base.flatten();
        Tensor features = base.flatten(1);
        Tensor slice = base.sliceBatch(1, 2);
        Tensor sliceOfView = reshaped.sliceBatch(1, 1);
        base.close();

        for (Tensor tensor : List.of(base, reshaped, flat, features, slice, sliceOfView)) {
            assertFalse(tensor.isOpen(), "isOpen() of " + tensor.shape());
            assertClosedEverywhere(tensor);
        }
    }

    @Test
    void closingFreesTheMemorySoAnEarlierSegmentCannotReadIt() {
        Tensor base = Tensor.allocate(16);
        MemorySegment segment = base.segment("base");
        MemorySegment viewSegment = base.sliceBatch(4, 4).segment("slice");
        base.close();
        assertFalse(segment.scope().isAlive(), "an owner's close() frees its memory at once");
        assertThrows(IllegalStateException.class, () -> segment.getAtIndex(ValueLayout.JAVA_FLOAT, 0));
        assertThrows(IllegalStateException.class, () -> viewSegment.getAtIndex(ValueLayout.JAVA_FLOAT, 0));
    }

    @Test
    void closingAViewLeavesTheBaseAndOtherViewsOpen() {
        float[] values = RandomData.uniform(6, 12);
        try (Tensor base = Tensor.of(values, 3, 4)) {
            Tensor first = base.reshape(12);
            Tensor second = base.sliceBatch(0, 2);
            first.close();
            first.close();
            assertTrue(base.isOpen());
            assertTrue(second.isOpen());
            Tolerance.assertBitsEqual(values, base.toFloatArray(), "base after closing a view");
            Tolerance.assertBitsEqual(Arrays.copyOf(values, 8), second.toFloatArray(), "other view");
            // The closed view is still a view of open memory: closing a view only does nothing, by design.
            assertTrue(first.isOpen());
        }
    }

    @Test
    void closingTwiceIsHarmless() {
        Tensor base = Tensor.allocate(2, 3);
        Tensor view = base.flatten();
        base.close();
        assertDoesNotThrow(base::close);
        assertDoesNotThrow(view::close);
        assertDoesNotThrow(base::close);
        assertFalse(base.isOpen());
        assertEquals("Tensor(2, 3) f32 (closed)", base.toString());
    }

    @Test
    void tensorInACallersArenaLivesUntilTheArenaCloses() {
        Tensor kept;
        Tensor closedEarly;
        Tensor keptView;
        try (Arena arena = Arena.ofConfined()) {
            kept = Tensor.allocate(arena, Shape.of(2, 3), DType.F32);
            keptView = kept.reshape(3, 2);
            closedEarly = Tensor.allocate(arena, Shape.of(4), DType.F32);
            kept.copyFrom(new float[] {1, 2, 3, 4, 5, 6});
            assertBits(6f, keptView.get(2, 1), "read through a view of a tensor in an arena");

            closedEarly.close(); // only marks it closed; the arena still owns the memory
            assertFalse(closedEarly.isOpen());
            assertClosedEverywhere(closedEarly);
            assertTrue(kept.isOpen(), "closing one tensor must not affect another in the same arena");
            assertBits(4f, kept.get(1, 0), "other tensor in the arena");
        }
        for (Tensor tensor : List.of(kept, keptView)) {
            assertFalse(tensor.isOpen(), "a tensor is closed when its arena closes");
            assertClosedEverywhere(tensor);
        }
        assertDoesNotThrow(kept::close);
    }

    @Test
    void tensorInASharedArenaIsClosedByTheArena() {
        Arena arena = Arena.ofShared();
        Tensor tensor = Tensor.allocate(arena, Shape.of(5), DType.F32);
        tensor.fill(2f);
        arena.close();
        assertFalse(tensor.isOpen());
        assertClosedEverywhere(tensor);
    }

    /** Every operation that touches memory fails with an IllegalStateException naming the operation; none crashes. */
    private static void assertClosedEverywhere(Tensor tensor) {
        String shape = tensor.shape().toString();
        assertEquals("Tensor" + shape + " f32 (closed)", tensor.toString());
        int[] zeros = new int[tensor.rank()];
        float[] values = new float[Math.toIntExact(tensor.elementCount())];
        assertClosed("sgemm: a", shape, () -> tensor.segment("sgemm: a"));
        assertClosed("tensor", shape, tensor::segment);
        assertClosed("pooling: input", shape, () -> tensor.requireOpen("pooling: input"));
        assertClosed("get: tensor", shape, () -> tensor.get(zeros));
        assertClosed("set: tensor", shape, () -> tensor.set(1f, zeros));
        assertClosed("toFloatArray: tensor", shape, tensor::toFloatArray);
        assertClosed("copyFrom: tensor", shape, () -> tensor.copyFrom(values));
        assertClosed("fill: tensor", shape, () -> tensor.fill(1f));
        assertClosed("fill: tensor", shape, () -> tensor.fill(0f));
        assertClosed("reshape: tensor", shape, () -> tensor.reshape(-1));
        assertClosed("flatten: tensor", shape, tensor::flatten);
        assertClosed("flatten: tensor", shape, () -> tensor.flatten(tensor.rank() - 1));
        assertClosed("sliceBatch: tensor", shape, () -> tensor.sliceBatch(0, 1));
        try (Tensor open = Tensor.allocate(tensor.shape(), DType.F32)) {
            assertClosed("copyFrom: source", shape, () -> open.copyFrom(tensor));
            assertClosed("copyFrom: target", shape, () -> tensor.copyFrom(open));
        }
        // Metadata stays readable.
        assertEquals(shape, tensor.shape().toString());
        assertEquals(tensor.shape().elementCount(), tensor.elementCount());
    }

    private static void assertClosed(String what, String shape, Executable access) {
        IllegalStateException e = assertThrows(IllegalStateException.class, access, what);
        assertEquals(what + " is a closed tensor " + shape + " (it was used after close())", e.getMessage());
    }

    // ---------------------------------------------------------------- threads

    @Test
    void ownedTensorIsUsableAndClosableFromAnotherThread() throws Exception {
        float[] values = RandomData.uniform(7, 33);
        try (ExecutorService other = Executors.newSingleThreadExecutor()) {
            Tensor tensor = Tensor.allocate(33);
            Tensor view = tensor.reshape(3, 11);
            get(other.submit(() -> {
                tensor.copyFrom(values);
                view.set(-2f, 2, 10);
                return null;
            }));
            values[32] = -2f;
            Tolerance.assertBitsEqual(values, tensor.toFloatArray(), "read on the caller after a write on another thread");

            Tensor made = get(other.submit(() -> Tensor.of(values, 33)));
            Tolerance.assertBitsEqual(values, made.toFloatArray(), "tensor made on another thread");
            made.close();
            assertFalse(made.isOpen());

            get(other.submit(() -> {
                tensor.close();
                return null;
            }));
            assertFalse(tensor.isOpen());
            assertClosedEverywhere(view);
        }
    }

    private static <T> T get(Future<T> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new AssertionError("task on the other thread failed", e.getCause());
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void assertMessage(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }

    private static void assertBits(float expected, float actual, String what) {
        Tolerance.assertBitsEqual(new float[] {expected}, new float[] {actual}, what);
    }
}
