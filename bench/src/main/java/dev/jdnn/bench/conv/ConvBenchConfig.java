package dev.jdnn.bench.conv;

import dev.jdnn.bench.timing.Timing;
import java.util.List;

/** What {@link ConvBenchRunner} measures: the layers, the batch they run on, and how each warms up and is timed. */
public record ConvBenchConfig(List<ConvLayer> layers, int batch, Timing timing) {

    public ConvBenchConfig {
        layers = List.copyOf(layers);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("conv benchmark: give at least one layer");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("conv benchmark: the batch must be >= 1, got " + batch);
        }
    }
}
