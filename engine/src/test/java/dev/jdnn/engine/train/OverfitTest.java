package dev.jdnn.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.nn.BatchNorm2d;
import dev.jdnn.engine.nn.Conv2d;
import dev.jdnn.engine.nn.Flatten;
import dev.jdnn.engine.nn.Linear;
import dev.jdnn.engine.nn.MaxPool2d;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.nn.ReLU;
import dev.jdnn.engine.nn.Sequential;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.RandomData;
import dev.jdnn.engine.testing.TestBackends;
import dev.jdnn.engine.train.optim.Sgd;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A small CNN drives the loss on one fixed batch of random images to nearly zero: forward, backward and steps agree. */
class OverfitTest {

    private static final TestBackends BACKENDS = new TestBackends();

    @AfterAll
    static void closeBackends() {
        BACKENDS.close();
    }

    static List<String> backends() {
        return TestBackends.NAMES;
    }

    /** One fixed batch, every epoch. */
    private record FixedBatch(Tensor images, int[] labels) implements LabeledBatches, LabeledBatches.Batch {
        @Override
        public long size() {
            return labels.length;
        }

        @Override
        public int batchesPerEpoch() {
            return 1;
        }

        @Override
        public Iterable<? extends Batch> epoch(int epoch) {
            return List.of(this);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void smallCnnOverfitsOneBatch(String name) throws Exception {
        Backend backend = BACKENDS.get(name);
        int n = 16;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
        }
        try (Module model = new Sequential(new Conv2d(1, 8, 3, 1, 1), new BatchNorm2d(8), new ReLU(),
                new MaxPool2d(2, 2), new Flatten(), new Linear(8 * 6 * 6, 10));
             Tensor images = Tensor.of(RandomData.uniform(5, n * 144), n, 1, 12, 12)) {
            model.initialize(42);
            Sgd sgd = new Sgd(model.parameters(), 0.1);
            List<EpochResult> results = new ArrayList<>();
            Trainer trainer = new Trainer(model, backend, sgd, (epoch, step, steps) -> 0.1, Loss.crossEntropy(0), 7,
                    event -> { });
            FixedBatch batch = new FixedBatch(images, labels);
            trainer.fit(batch, null, 1, 150, results::add);
            assertEquals(150, results.size());
            double first = results.getFirst().trainLoss();
            double last = results.getLast().trainLoss();
            assertTrue(first > 1.5, "starts near ln 10 = 2.3, got " + first);
            assertTrue(last < 0.05, "loss after 150 steps on one batch: " + last + " (first " + first + ")");
            assertEquals(1.0, results.getLast().trainAccuracy());
            sgd.close();
        }
    }
}
