package dev.jdnn.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.JavaBackend;
import dev.jdnn.engine.nn.BatchNorm2d;
import dev.jdnn.engine.nn.Conv2d;
import dev.jdnn.engine.nn.Dropout;
import dev.jdnn.engine.nn.Flatten;
import dev.jdnn.engine.nn.Linear;
import dev.jdnn.engine.nn.MaxPool2d;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.nn.ReLU;
import dev.jdnn.engine.nn.Sequential;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.Tolerance;
import dev.jdnn.engine.train.optim.LearningRateSchedule;
import dev.jdnn.engine.train.optim.Optimizer;
import dev.jdnn.engine.train.optim.Sgd;
import dev.jdnn.engine.train.optim.StepLR;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resuming: 2 epochs, a checkpoint, a new process-like start (new model, optimizer and data objects) that resumes for a
 * third, gives bit for bit the weights, buffers and optimizer state of 3 epochs straight (Java backend, same seed).
 */
class ResumeTest {

    private static final int IMAGES = 48;
    private static final int BATCH = 16;

    /** Synthetic images whose order is a shuffle fixed by (seed, epoch): what the real loader guarantees. */
    private record ShuffledImages(float[] pixels, int[] labels, long seed) implements LabeledBatches {
        @Override
        public long size() {
            return labels.length;
        }

        @Override
        public int batchesPerEpoch() {
            return labels.length / BATCH;
        }

        @Override
        public Iterable<? extends Batch> epoch(int epoch) {
            int[] order = new int[labels.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            SplittableRandom random = new SplittableRandom(seed * 31 + epoch);
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            List<Batch> batches = new ArrayList<>();
            for (int b = 0; b < batchesPerEpoch(); b++) {
                float[] images = new float[BATCH * 64];
                int[] batchLabels = new int[BATCH];
                for (int i = 0; i < BATCH; i++) {
                    int index = order[b * BATCH + i];
                    System.arraycopy(pixels, index * 64, images, i * 64, 64);
                    batchLabels[i] = labels[index];
                }
                Tensor tensor = Tensor.of(images, BATCH, 1, 8, 8);
                batches.add(new Batch() {
                    @Override
                    public Tensor images() {
                        return tensor;
                    }

                    @Override
                    public int[] labels() {
                        return batchLabels;
                    }
                });
            }
            return batches;
        }
    }

    private static Module model() {
        return new Sequential(new Conv2d(1, 4, 3, 1, 1), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2, 2),
                new Flatten(), new Dropout(0.3), new Linear(64, 5));
    }

    private static Map<String, float[]> run(Backend backend, Path dir, int firstEpoch, int lastEpoch,
                                            ShuffledImages data) throws Exception {
        try (Module model = model(); Optimizer sgd = new Sgd(model.parameters(), 0.05, 0.9, 0, 1e-4, true)) {
            model.initialize(11);
            LearningRateSchedule schedule = new StepLR(2, 0.5);
            if (firstEpoch > 1) {
                TrainingCheckpoints.Resumed resumed = TrainingCheckpoints.resume(dir, model, sgd).orElseThrow();
                assertEquals(firstEpoch - 1, resumed.epoch());
            }
            Trainer trainer = new Trainer(model, backend, sgd,
                    (epoch, step, steps) -> schedule.learningRate(0.05, epoch - 1, step, steps), Loss.crossEntropy(0.1),
                    5, event -> { });
            trainer.fit(data, null, firstEpoch, lastEpoch,
                    result -> TrainingCheckpoints.save(dir, result.epoch(), model, sgd, Map.of("model", "test")));
            Map<String, float[]> state = new java.util.LinkedHashMap<>();
            model.stateDict().forEach((name, tensor) -> state.put(name, tensor.toFloatArray()));
            sgd.stateTensors().forEach((name, tensor) -> state.put("optimizer." + name, tensor.toFloatArray()));
            return state;
        }
    }

    @Test
    void twoEpochsThenResumeEqualsThreeStraight(@TempDir Path temp) throws Exception {
        int[] labels = new int[IMAGES];
        for (int i = 0; i < IMAGES; i++) {
            labels[i] = i % 5;
        }
        ShuffledImages data = new ShuffledImages(RandomData.uniform(3, IMAGES * 64), labels, 9);
        try (Backend backend = new JavaBackend()) {
            Path straight = Files.createDirectory(temp.resolve("straight"));
            Path resumed = Files.createDirectory(temp.resolve("resumed"));
            Map<String, float[]> expected = run(backend, straight, 1, 3, data);
            run(backend, resumed, 1, 2, data);
            Map<String, float[]> actual = run(backend, resumed, 3, 3, data);
            assertEquals(expected.keySet(), actual.keySet());
            assertTrue(expected.containsKey("1.num_batches_tracked"));
            assertEquals(9f, expected.get("1.num_batches_tracked")[0], "3 epochs of 3 batches");
            for (String name : expected.keySet()) {
                Tolerance.assertBitsEqual(expected.get(name), actual.get(name), name + " after resuming");
            }
        }
    }
}
