package dev.jdnn.engine.kernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Window2dTest {

    /**
     * PyTorch's formula ({@code pooling_output_shape_pad_lr} in ATen), written out independently:
     * {@code floor((in + 2p - d(k-1) - 1 + (ceil ? s-1 : 0)) / s) + 1}, minus one in ceil mode when the last window
     * would start at or after {@code in + p} (entirely in the right padding).
     */
    private static long torchOutputSize(long input, long kernel, long stride, long pad, long dilation, boolean ceil) {
        long out = Math.floorDiv(input + 2 * pad - dilation * (kernel - 1) - 1 + (ceil ? stride - 1 : 0), stride) + 1;
        if (ceil && (out - 1) * stride >= input + pad) {
            out--;
        }
        return out;
    }

    @ParameterizedTest(name = "in={0} k={1} s={2} p={3} d={4} ceil={5} -> {6}")
    @CsvSource({
            // Convolutions (floor mode).
            "224, 7, 2, 3, 1, false, 112",   // ResNet conv1
            "227, 11, 4, 0, 1, false, 55",   // AlexNet conv1
            "224, 11, 4, 2, 1, false, 55",   // torchvision AlexNet conv1
            "32, 5, 1, 0, 1, false, 28",     // LeNet-5 C1
            "56, 3, 1, 1, 1, false, 56",     // same padding
            "56, 1, 2, 0, 1, false, 28",     // ResNet downsample
            "7, 7, 1, 0, 1, false, 1",       // window exactly the input
            "1, 1, 1, 0, 1, false, 1",
            "1, 3, 1, 1, 1, false, 1",
            "5, 3, 2, 0, 1, false, 2",
            // Pooling, floor mode.
            "55, 3, 2, 0, 1, false, 27",     // AlexNet overlapping max pool
            "27, 3, 2, 0, 1, false, 13",
            "112, 3, 2, 1, 1, false, 56",    // ResNet max pool
            "7, 2, 2, 0, 1, false, 3",
            "6, 3, 2, 1, 1, false, 3",
            // Pooling, ceil mode: the extra window starts inside the input.
            "7, 2, 2, 0, 1, true, 4",
            "6, 3, 2, 1, 1, true, 4",
            "55, 3, 2, 0, 1, true, 27",      // divisible: ceil changes nothing
            "112, 3, 2, 0, 1, true, 56",     // GoogLeNet maxpool1
            "56, 3, 2, 0, 1, true, 28",      // GoogLeNet maxpool2
            "28, 3, 2, 0, 1, true, 14",      // GoogLeNet maxpool3
            "14, 2, 2, 0, 1, true, 7",       // GoogLeNet maxpool4
            "5, 3, 2, 0, 1, true, 2",
            // Ceil mode where the last window would start in the right padding: dropped.
            "5, 2, 2, 1, 1, true, 3",
            "4, 2, 3, 1, 1, true, 2",
            "1, 2, 2, 1, 1, true, 1",
            // Dilation.
            "7, 3, 1, 0, 2, false, 3",
            "32, 3, 1, 2, 2, false, 32",
            "10, 3, 2, 0, 3, false, 2",
            "8, 3, 2, 0, 2, true, 3",
            "9, 3, 2, 0, 2, true, 3",
            "5, 3, 1, 0, 2, false, 1",
    })
    void outputSizesMatchPyTorch(int input, int kernel, int stride, int pad, int dilation, boolean ceil, int expected) {
        assertEquals(expected, torchOutputSize(input, kernel, stride, pad, dilation, ceil), "the test's own formula");
        Window2d window = Window2d.square(kernel, stride, pad).withDilation(dilation, dilation).withCeilMode(ceil);
        assertEquals(expected, window.outputHeight(input), "outputHeight");
        assertEquals(expected, window.outputWidth(input), "outputWidth");
    }

    @Test
    void outputSizesMatchPyTorchOverAGrid() {
        int checked = 0;
        for (int kernel = 1; kernel <= 7; kernel++) {
            for (int stride = 1; stride <= 4; stride++) {
                for (int pad = 0; pad <= kernel / 2; pad++) { // PyTorch pooling requires pad <= k/2
                    for (int dilation = 1; dilation <= 3; dilation++) {
                        for (boolean ceil : new boolean[] {false, true}) {
                            Window2d window = new Window2d(kernel, kernel, stride, stride, pad, pad, dilation, dilation,
                                    ceil);
                            long span = (long) dilation * (kernel - 1) + 1;
                            for (int input = 1; input <= 40; input++) {
                                if (input + 2L * pad < span) {
                                    continue;
                                }
                                long expected = torchOutputSize(input, kernel, stride, pad, dilation, ceil);
                                assertEquals(expected, window.outputHeight(input), window + " height of " + input);
                                assertEquals(expected, window.outputWidth(input), window + " width of " + input);
                                checked++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(checked > 5000, "cases checked: " + checked);
    }

    @Test
    void heightAndWidthUseTheirOwnParameters() {
        Window2d window = new Window2d(3, 5, 1, 2, 1, 0, 1, 2, false);
        assertEquals(13, window.outputHeight(13)); // (13 + 2 - 3) / 1 + 1
        assertEquals(3, window.outputWidth(13));   // span 9: (13 - 9) / 2 + 1
        Window2d ceil = new Window2d(2, 3, 2, 2, 0, 0, 1, 1, true);
        assertEquals(4, ceil.outputHeight(7));
        assertEquals(3, ceil.outputWidth(7));
    }

    @Test
    void squareAndWithersBuildTheExpectedRecord() {
        Window2d square = Window2d.square(3, 2, 1);
        assertEquals(new Window2d(3, 3, 2, 2, 1, 1, 1, 1, false), square);
        assertEquals(new Window2d(3, 3, 2, 2, 1, 1, 2, 3, false), square.withDilation(2, 3));
        assertEquals(new Window2d(3, 3, 2, 2, 1, 1, 1, 1, true), square.withCeilMode(true));
        assertFalse(square.withCeilMode(true).withCeilMode(false).ceilMode());
        assertEquals(new Window2d(3, 3, 2, 2, 1, 1, 2, 2, true), square.withCeilMode(true).withDilation(2, 2));
    }

    @Test
    void windowLargerThanThePaddedInputIsRejected() {
        assertMessage("window: the height of the input (3, padded by 0 on each side) is smaller than the window's span 5"
                + " (kernel 5, dilation 1)", () -> Window2d.square(5, 1, 0).outputHeight(3));
        assertMessage("window: the width of the input (2, padded by 0 on each side) is smaller than the window's span 5"
                + " (kernel 3, dilation 2)", () -> Window2d.square(3, 1, 0).withDilation(1, 2).outputWidth(2));
        assertMessage("window: the height of the input (1, padded by 1 on each side) is smaller than the window's span 5"
                + " (kernel 5, dilation 1)", () -> Window2d.square(5, 1, 1).withCeilMode(true).outputHeight(1));
        // With enough padding the same window fits.
        assertEquals(1, Window2d.square(5, 1, 1).outputHeight(3));
    }

    @Test
    void hugeDilationDoesNotOverflow() {
        Window2d window = new Window2d(3, 3, 1, 1, 0, 0, Integer.MAX_VALUE, 1, false);
        assertMessage("window: the height of the input (100, padded by 0 on each side) is smaller than the window's span "
                + (2L * Integer.MAX_VALUE + 1) + " (kernel 3, dilation " + Integer.MAX_VALUE + ")",
                () -> window.outputHeight(100));
        assertEquals(98, window.outputWidth(100));
    }

    @Test
    void largeInputsDoNotOverflow() {
        int max = Integer.MAX_VALUE;
        assertEquals(max, Window2d.square(1, 1, 0).outputHeight(max));
        assertEquals(max / 2 + 1, Window2d.square(1, 2, 0).withCeilMode(true).outputWidth(max));
        assertEquals(1, Window2d.square(max, 1, 0).outputHeight(max));
    }

    @Test
    void nonPositiveParametersAreRejected() {
        for (int bad : new int[] {0, -1, Integer.MIN_VALUE}) {
            assertMessage("window: kernel height must be positive, got " + bad,
                    () -> new Window2d(bad, 3, 1, 1, 0, 0, 1, 1, false));
            assertMessage("window: kernel width must be positive, got " + bad,
                    () -> new Window2d(3, bad, 1, 1, 0, 0, 1, 1, false));
            assertMessage("window: stride height must be positive, got " + bad,
                    () -> new Window2d(3, 3, bad, 1, 0, 0, 1, 1, false));
            assertMessage("window: stride width must be positive, got " + bad,
                    () -> new Window2d(3, 3, 1, bad, 0, 0, 1, 1, false));
            assertMessage("window: dilation height must be positive, got " + bad,
                    () -> new Window2d(3, 3, 1, 1, 0, 0, bad, 1, false));
            assertMessage("window: dilation width must be positive, got " + bad,
                    () -> new Window2d(3, 3, 1, 1, 0, 0, 1, bad, false));
            assertMessage("window: kernel height must be positive, got " + bad, () -> Window2d.square(bad, 1, 0));
            assertMessage("window: dilation width must be positive, got " + bad,
                    () -> Window2d.square(3, 1, 0).withDilation(1, bad));
        }
        assertMessage("window: padding must be >= 0, got (-1, 0)", () -> new Window2d(3, 3, 1, 1, -1, 0, 1, 1, false));
        assertMessage("window: padding must be >= 0, got (0, -2)", () -> new Window2d(3, 3, 1, 1, 0, -2, 1, 1, false));
        assertMessage("window: padding must be >= 0, got (-1, -1)", () -> Window2d.square(3, 1, -1));
        // Zero padding is fine.
        assertEquals(1, Window2d.square(3, 1, 0).outputHeight(3));
    }

    private static void assertMessage(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }
}
