package dev.jdnn.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AccuracyTest {

    @Test
    void countsTop1Top5AndTheConfusionMatrix() {
        // 3 rows, 6 classes. Row 0: label 2 is the largest (top-1 hit). Row 1: label 0 is 6th of 6 (miss both).
        // Row 2: label 5 ranks 3rd (top-5 hit only); predicted class 1.
        float[] logits = {
            0.1f, 0.2f, 0.9f, 0.0f, 0.3f, 0.4f,
            -1f, 0.5f, 0.4f, 0.3f, 0.2f, 0.1f,
            0.0f, 0.8f, 0.1f, 0.2f, 0.6f, 0.5f};
        Accuracy accuracy = new Accuracy(6);
        try (Tensor t = Tensor.of(logits, 3, 6)) {
            accuracy.add(t, new int[] {2, 0, 5});
        }
        assertEquals(3, accuracy.samples());
        assertEquals(1.0 / 3, accuracy.top1(), 1e-12);
        assertEquals(2.0 / 3, accuracy.top5(), 1e-12);
        long[][] confusion = accuracy.confusion();
        assertEquals(1, confusion[2][2]);
        assertEquals(1, confusion[0][1]);
        assertEquals(1, confusion[5][1]);
        double[] perClass = accuracy.perClass();
        assertEquals(1.0, perClass[2]);
        assertEquals(0.0, perClass[0]);
        assertTrue(Double.isNaN(perClass[3]), "no samples of class 3");
    }

    @Test
    void tiesRankTheLowerClassFirst() {
        Accuracy accuracy = new Accuracy(3);
        try (Tensor t = Tensor.of(new float[] {1f, 1f, 0f, 1f, 1f, 0f}, 2, 3)) {
            accuracy.add(t, new int[] {0, 1});
        }
        assertEquals(0.5, accuracy.top1());
        assertArrayEquals(new long[] {1, 0, 0}, accuracy.confusion()[0]);
        assertArrayEquals(new long[] {1, 0, 0}, accuracy.confusion()[1]);
    }

    @Test
    void refusesMismatchedInput() {
        Accuracy accuracy = new Accuracy(3);
        try (Tensor t = Tensor.allocate(2, 3); Tensor wide = Tensor.allocate(2, 4)) {
            assertEquals("accuracy: 2 rows of logits but 1 labels",
                    assertThrows(IllegalArgumentException.class, () -> accuracy.add(t, new int[] {0})).getMessage());
            assertEquals("accuracy: label 3 of row 1 is outside [0, 3)",
                    assertThrows(IllegalArgumentException.class, () -> accuracy.add(t, new int[] {0, 3})).getMessage());
            assertEquals("accuracy: logits have 4 classes, expected 3",
                    assertThrows(IllegalArgumentException.class, () -> accuracy.add(wide, new int[] {0, 1}))
                            .getMessage());
        }
    }
}
