package dev.jdnn.engine.data;

import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.Tolerance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataLoaderTest {

    private static final ImageShape SHAPE = new ImageShape(3, 5, 7);

    /** {@code count} images whose first two bytes spell their index (low, high); label = index mod 10. */
    static ByteImageDataset indexed(int count) {
        byte[] pixels = new byte[count * SHAPE.size()];
        byte[] labels = new byte[count];
        for (int n = 0; n < count; n++) {
            int base = n * SHAPE.size();
            pixels[base] = (byte) n;
            pixels[base + 1] = (byte) (n >> 8);
            for (int i = 2; i < SHAPE.size(); i++) {
                pixels[base + i] = (byte) (n * 7 + i * 3);
            }
            labels[n] = (byte) (n % 10);
        }
        return new ByteImageDataset(SHAPE, pixels, labels, Mnist.CLASS_NAMES, "indexed");
    }

    /** The index spelled by an untransformed image at {@code offset} of a batch's values. */
    private static int indexOf(float[] values, int offset) {
        return Math.round(values[offset] * 255) | Math.round(values[offset + 1] * 255) << 8;
    }

    private static LoaderConfig config(int batchSize, int prefetch) {
        return new LoaderConfig(batchSize, true, false, 1234, Transform.identity(), prefetch);
    }

    private static Transform augmentation() {
        return Transform.compose(new RandomCrop(5, 7, 2), new RandomHorizontalFlip(), new Lighting(0.1),
                new Normalize(new float[] {0.5f, 0.4f, 0.3f}, new float[] {0.2f, 0.25f, 0.3f}));
    }

    /** All values and labels of one epoch, batch after batch. */
    private static List<float[]> collect(DataLoader loader, int epoch, List<int[]> labels) {
        List<float[]> values = new ArrayList<>();
        for (Batch batch : loader.epoch(epoch)) {
            values.add(batch.images().toFloatArray());
            labels.add(batch.labels().clone());
        }
        return values;
    }

    private static long loaderThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(EpochIterator.THREAD_NAME) && t.isAlive()).count();
    }

    @AfterEach
    void noThreadLeftBehind() {
        assertEquals(0, loaderThreads(), "data loader threads still alive after the test");
    }

    @ParameterizedTest
    @CsvSource({"257, 16, 0", "257, 16, 1", "257, 16, 2", "33, 1, 1", "31, 7, 2", "17, 17, 1", "3, 127, 1"})
    void batchesHaveTheRightShapesAndVisitEveryIndexOnce(int count, int batchSize, int prefetch) {
        try (DataLoader loader = new DataLoader(indexed(count), config(batchSize, prefetch))) {
            int expectedBatches = (count + batchSize - 1) / batchSize;
            assertEquals(expectedBatches, loader.batchCount());
            for (int epoch = 0; epoch < 2; epoch++) {
                int[] visits = new int[count];
                int batches = 0;
                for (Batch batch : loader.epoch(epoch)) {
                    int expectedSize = batches < expectedBatches - 1 ? batchSize : count - batchSize * batches;
                    assertArrayEquals(new int[] {expectedSize, 3, 5, 7}, batch.images().shape().dims());
                    assertEquals(expectedSize, batch.labels().length);
                    assertEquals(batches, batch.index());
                    assertEquals(epoch, batch.epoch());
                    float[] values = batch.images().toFloatArray();
                    for (int i = 0; i < expectedSize; i++) {
                        int index = indexOf(values, i * SHAPE.size());
                        visits[index]++;
                        assertEquals(index % 10, batch.labels()[i], "label of image " + index);
                        assertEquals(loader.order(epoch)[batches * batchSize + i], index);
                    }
                    batches++;
                }
                assertEquals(expectedBatches, batches);
                assertEquals(0, loaderThreads(), "a finished epoch leaves no thread behind");
                int[] once = new int[count];
                Arrays.fill(once, 1);
                assertArrayEquals(once, visits, "visits per index in epoch " + epoch);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void dropLastDropsThePartialBatch(int prefetch) {
        try (DataLoader loader = new DataLoader(indexed(33), config(16, prefetch).withDropLast(true))) {
            assertEquals(2, loader.batchCount());
            int batches = 0;
            for (Batch batch : loader.epoch(0)) {
                assertEquals(16, batch.size());
                batches++;
            }
            assertEquals(2, batches);
        }
    }

    @Test
    void sameSeedGivesTheSameBitsAndEpochsDiffer() {
        LoaderConfig config = config(7, 1).withTransform(augmentation());
        List<int[]> labelsA = new ArrayList<>();
        List<int[]> labelsB = new ArrayList<>();
        List<float[]> a;
        List<float[]> b;
        try (DataLoader loader = new DataLoader(indexed(31), config)) {
            a = collect(loader, 3, labelsA);
        }
        try (DataLoader loader = new DataLoader(indexed(31), config)) {
            collect(loader, 0, new ArrayList<>()); // another epoch first must not change epoch 3
            b = collect(loader, 3, labelsB);
        }
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            Tolerance.assertBitsEqual(a.get(i), b.get(i), "batch " + i + " of epoch 3");
            assertArrayEquals(labelsA.get(i), labelsB.get(i));
        }
        try (DataLoader loader = new DataLoader(indexed(31), config)) {
            assertFalse(Arrays.equals(loader.order(0), loader.order(1)), "epochs 0 and 1 share an order");
            try (DataLoader other = new DataLoader(indexed(31), config.withSeed(4321))) {
                assertFalse(Arrays.equals(loader.order(0), other.order(0)), "seeds 1234 and 4321 share an order");
            }
        }
        try (DataLoader ordered = new DataLoader(indexed(5),
                new LoaderConfig(2, false, false, 1, Transform.identity(), 1))) {
            assertArrayEquals(new int[] {0, 1, 2, 3, 4}, ordered.order(7));
        }
    }

    @Test
    void prefetchingGivesTheSameBitsAsBuildingOnTheCallersThread() {
        LoaderConfig config = config(16, 0).withTransform(augmentation());
        List<float[]> direct;
        try (DataLoader loader = new DataLoader(indexed(257), config)) {
            direct = collect(loader, 2, new ArrayList<>());
        }
        for (int prefetch = 1; prefetch <= 2; prefetch++) {
            try (DataLoader loader = new DataLoader(indexed(257), config.withPrefetch(prefetch))) {
                List<float[]> prefetched = collect(loader, 2, new ArrayList<>());
                assertEquals(direct.size(), prefetched.size());
                for (int i = 0; i < direct.size(); i++) {
                    Tolerance.assertBitsEqual(direct.get(i), prefetched.get(i), "batch " + i + ", prefetch " + prefetch);
                }
            }
        }
    }

    @Test
    void augmentedBatchesHaveTheTransformsShape() {
        LoaderConfig config = config(4, 1).withTransform(new RandomCrop(3, 1));
        try (DataLoader loader = new DataLoader(indexed(9), config)) {
            assertEquals(new ImageShape(3, 3, 3), loader.imageShape());
            for (Batch batch : loader.epoch(0)) {
                assertEquals(3, batch.images().dim(2));
                assertEquals(3, batch.images().dim(3));
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> new DataLoader(indexed(2), config(4, 1).withTransform(new RandomCrop(9, 0))));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void closeDuringAnEpochEndsTheLoopAndFreesTheBuffers(int prefetch) {
        DataLoader loader = new DataLoader(indexed(257), config(8, prefetch));
        int seen = 0;
        Tensor images = null;
        for (Batch batch : loader.epoch(0)) {
            seen++;
            images = batch.images();
            if (seen == 3) {
                loader.close();
            }
        }
        assertEquals(3, seen);
        assertFalse(images.isOpen(), "the batch buffer is freed by close()");
        assertEquals(0, loaderThreads());
        assertThrows(IllegalStateException.class, () -> loader.epoch(1).iterator());
        loader.close(); // twice is harmless
    }

    @Test
    void closeFromAnotherThreadWhileTheConsumerWaits() throws InterruptedException {
        Transform slow = new Transform() {
            @Override
            public float[] apply(float[] image, ImageShape shape, RandomGenerator random) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return image;
            }
        };
        DataLoader loader = new DataLoader(indexed(64), config(8, 1).withTransform(slow));
        Iterator<Batch> batches = loader.epoch(0).iterator();
        batches.next();
        Thread closer = new Thread(loader::close);
        closer.start();
        closer.join(5_000);
        assertFalse(closer.isAlive(), "close() returned");
        assertFalse(batches.hasNext());
        assertThrows(NoSuchElementException.class, batches::next);
    }

    @Test
    void leavingAnEpochEarlyThenStartingAnotherStopsTheFirst() {
        try (DataLoader loader = new DataLoader(indexed(100), config(10, 2))) {
            Iterator<Batch> first = loader.epoch(0).iterator();
            first.next();
            List<int[]> labels = new ArrayList<>();
            List<float[]> second = collect(loader, 1, labels);
            assertEquals(10, second.size());
            assertFalse(first.hasNext(), "starting epoch 1 stopped epoch 0");
            assertEquals(0, loaderThreads());
        }
    }

    @Test
    void aFailingTransformSurfacesOnTheCallersThread() {
        IllegalArgumentException failure = new IllegalArgumentException("transform failed on purpose");
        Transform failing = (image, shape, random) -> {
            throw failure;
        };
        for (int prefetch = 0; prefetch <= 1; prefetch++) {
            try (DataLoader loader = new DataLoader(indexed(10), config(4, prefetch).withTransform(failing))) {
                Iterator<Batch> batches = loader.epoch(0).iterator();
                assertSame(failure, assertThrows(IllegalArgumentException.class, batches::next));
            }
        }
    }

    @Test
    void emptyDataSetHasNoBatchesAndBadArgumentsAreNamed() {
        try (DataLoader loader = new DataLoader(indexed(3).first(0), config(4, 1))) {
            assertFalse(loader.epoch(0).iterator().hasNext());
        }
        assertThrows(IllegalArgumentException.class, () -> config(0, 1));
        assertThrows(IllegalArgumentException.class, () -> config(1, LoaderConfig.MAX_PREFETCH + 1));
        try (DataLoader loader = new DataLoader(indexed(3), config(4, 1))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loader.epoch(-1));
            assertTrue(e.getMessage().contains("-1"), e.getMessage());
        }
    }
}
