package dev.jdnn.engine.train;

import dev.jdnn.engine.autograd.Autograd;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.TensorCache;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.train.optim.Optimizer;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The training loop: for each epoch, set the learning rate from the schedule, then per batch record the forward pass,
 * backpropagate the loss and step the optimizer; then evaluate the test set in evaluation mode and report. It emits
 * {@link TrainingEvent}s (it never prints) and hands each finished epoch to {@link EpochHook} (checkpoints).
 *
 * <p>Reproducible: the data's order and augmentation depend only on the epoch, dropout masks on
 * {@code (seed, epoch, step)}, and every kernel on the Java backend gives the same bits on any thread count — so a run
 * resumed from a checkpoint continues exactly as the uninterrupted run.
 */
public final class Trainer {

    /** Called after each epoch (after its evaluation): where checkpoints are written. */
    @FunctionalInterface
    public interface EpochHook {
        void epochFinished(EpochResult result) throws java.io.IOException;
    }

    /** The learning rate of an epoch and step ({@code step} counts from 0 within the epoch). */
    @FunctionalInterface
    public interface LearningRate {
        double at(int epoch, int step, int stepsPerEpoch);
    }

    private final Module model;
    private final Backend backend;
    private final Optimizer optimizer;
    private final LearningRate learningRate;
    private final Loss loss;
    private final long seed;
    private final Consumer<TrainingEvent> events;
    private TensorCache cache = new TensorCache(); // activations and gradients, reused step after step

    public Trainer(Module model, Backend backend, Optimizer optimizer, LearningRate learningRate, Loss loss, long seed,
                   Consumer<TrainingEvent> events) {
        this.model = Objects.requireNonNull(model, "model");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.learningRate = Objects.requireNonNull(learningRate, "learning rate");
        this.loss = Objects.requireNonNull(loss, "loss");
        this.seed = seed;
        this.events = Objects.requireNonNull(events, "events");
    }

    /**
     * Trains epochs {@code firstEpoch..lastEpoch} (1-based, inclusive) on {@code train}, evaluating on {@code test}
     * ({@code null}: no test set) after each.
     */
    public void fit(LabeledBatches train, LabeledBatches test, int firstEpoch, int lastEpoch, EpochHook hook)
            throws java.io.IOException {
        if (firstEpoch < 1 || lastEpoch < firstEpoch - 1) {
            throw new IllegalArgumentException("train: epochs " + firstEpoch + " to " + lastEpoch + " (1-based)");
        }
        events.accept(new TrainingEvent.Started(firstEpoch, lastEpoch, train.batchesPerEpoch(), train.size(),
                test == null ? 0 : test.size()));
        for (int epoch = firstEpoch; epoch <= lastEpoch; epoch++) {
            EpochResult result;
            try {
                result = trainEpoch(train, test, epoch);
            } finally {
                cache.close(); // what the epoch held; the next epoch allocates afresh and caches again
                cache = new TensorCache();
            }
            events.accept(new TrainingEvent.EpochFinished(result));
            if (hook != null) {
                hook.epochFinished(result);
            }
        }
    }

    private EpochResult trainEpoch(LabeledBatches train, LabeledBatches test, int epoch) {
        int batches = train.batchesPerEpoch();
        long start = System.nanoTime();
        double lossSum = 0;
        long images = 0;
        long correct = 0;
        double rate = 0;
        int step = 0;
        for (LabeledBatches.Batch batch : train.epoch(epoch)) {
            rate = learningRate.at(epoch, step, batches);
            optimizer.setLearningRate(rate);
            optimizer.zeroGrad();
            int n = batch.labels().length;
            try (Graph graph = Graph.on(backend, cache).seeded(stepSeed(epoch, step))) {
                Loss.Result result = loss.compute(graph, model, graph.input(batch.images()), batch.labels());
                Variable logits = result.logits().retain();
                Variable value = result.loss().retain();
                graph.backward(value);
                lossSum += (double) value.value().toFloatArray()[0] * n;
                Accuracy accuracy = new Accuracy(logits.dim(1));
                accuracy.add(logits.value(), batch.labels());
                correct += Math.round(accuracy.top1() * n);
            }
            if (!Double.isFinite(lossSum)) {
                throw new ArithmeticException("train: the loss became " + lossSum + " in epoch " + epoch + ", step "
                        + (step + 1) + " (learning rate " + rate + "); lower the learning rate");
            }
            optimizer.step();
            images += n;
            step++;
            double seconds = (System.nanoTime() - start) / 1e9;
            events.accept(new TrainingEvent.BatchFinished(epoch, step, batches, lossSum / images,
                    (double) correct / images, images / seconds, rate));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double testLoss = Double.NaN;
        double testTop1 = Double.NaN;
        double testTop5 = Double.NaN;
        if (test != null) {
            events.accept(new TrainingEvent.Evaluating(epoch, test.size()));
            Evaluation evaluation = evaluate(model, backend, test, loss);
            testLoss = evaluation.loss();
            testTop1 = evaluation.accuracy().top1();
            testTop5 = evaluation.accuracy().top5();
        }
        return new EpochResult(epoch, images == 0 ? Double.NaN : lossSum / images,
                images == 0 ? Double.NaN : (double) correct / images, testLoss, testTop1, testTop5, rate, seconds,
                images / seconds);
    }

    /** The dropout seed of a step: a mix of the run's seed, the epoch and the step (SplitMix64's finalizer). */
    private long stepSeed(int epoch, int step) {
        long z = seed + 0x9E3779B97F4A7C15L * (((long) epoch << 32) + step + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Mean loss and accuracy of a model on a data set. */
    public record Evaluation(double loss, Accuracy accuracy) {
    }

    /**
     * Evaluates {@code model} on {@code data} (its epoch-1 order) in evaluation mode: no recording, running
     * statistics, no dropout. The loss is the mean over images.
     */
    public static Evaluation evaluate(Module model, Backend backend, LabeledBatches data, Loss loss) {
        Accuracy[] accuracy = new Accuracy[1];
        double[] lossSum = new double[1];
        long images = 0;
        try (TensorCache cache = new TensorCache()) {
        for (LabeledBatches.Batch batch : data.epoch(1)) {
            int[] labels = batch.labels();
            Autograd.eval(() -> {
                try (Graph graph = Graph.on(backend, cache)) {
                    Loss.Result result = loss.compute(graph, model, graph.input(batch.images()), labels);
                    lossSum[0] += (double) result.loss().value().toFloatArray()[0] * labels.length;
                    if (accuracy[0] == null) {
                        accuracy[0] = new Accuracy(result.logits().dim(1));
                    }
                    accuracy[0].add(result.logits().value(), labels);
                    return null;
                }
            });
            images += labels.length;
        }
        }
        if (accuracy[0] == null) {
            throw new IllegalArgumentException("evaluate: the data set has no batches");
        }
        return new Evaluation(lossSum[0] / images, accuracy[0]);
    }
}
