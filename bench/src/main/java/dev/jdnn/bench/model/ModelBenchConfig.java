package dev.jdnn.bench.model;

import dev.jdnn.bench.timing.Timing;
import java.util.List;
import java.util.Objects;

/**
 * One {@code jdnn bench MODEL} run.
 *
 * @param model       zoo key
 * @param backend     auto, java or onednn
 * @param batches     batch sizes, each measured in turn
 * @param channels    input channels
 * @param height      input height
 * @param width       input width
 * @param concurrency caller threads sharing one session
 * @param timing      warm-up and measuring time (or iterations) per batch size
 */
public record ModelBenchConfig(String model, String backend, List<Integer> batches, int channels, int height, int width,
                               int concurrency, Timing timing) {

    public ModelBenchConfig {
        Objects.requireNonNull(model, "model");
        batches = List.copyOf(batches);
        if (batches.isEmpty() || batches.stream().anyMatch(b -> b < 1)) {
            throw new IllegalArgumentException("bench: batch sizes must be positive, got " + batches);
        }
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("bench: the input size must be positive");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("bench: concurrency must be at least 1, got " + concurrency);
        }
    }
}
