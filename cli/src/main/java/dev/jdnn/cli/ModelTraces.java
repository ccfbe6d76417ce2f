package dev.jdnn.cli;

import dev.jdnn.engine.autograd.Trace;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.zoo.Models;

/** The structure of a zoo model from a shape-only pass: nothing is allocated, so any model traces in milliseconds. */
final class ModelTraces {

    private ModelTraces() {
    }

    /** The inference-mode trace of {@code key} (1000 classes unless the model has another count) for one input. */
    static Trace trace(String key, int classes, int channels, int height, int width) {
        return Module.shapeOnly(() -> Models.create(key, classes)).trace(Shape.of(1, channels, height, width));
    }
}
