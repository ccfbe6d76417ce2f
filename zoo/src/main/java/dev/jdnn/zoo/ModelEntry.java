package dev.jdnn.zoo;

import dev.jdnn.engine.nn.Module;
import java.util.Objects;

/** A registry entry: what is known of the model, and how to build it for a number of classes. */
public record ModelEntry(ModelInfo info, Factory factory) {

    /** Builds the model with {@code numClasses} outputs. */
    @FunctionalInterface
    public interface Factory {
        Module create(int numClasses);
    }

    public ModelEntry {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(factory, "factory");
    }
}
