package dev.jdnn.engine.autograd;

import dev.jdnn.engine.tensor.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a shape-only forward pass saw, layer by layer: the structure of a model without its memory. {@code jdnn
 * summary} prints it; the inference compiler plans from it.
 */
public final class Trace {

    /**
     * One op of the pass.
     *
     * @param name       the module scope it ran in ({@code layer1.0.conv1})
     * @param op         what it is ({@code conv2d 3x3/1}, {@code relu}, {@code maxpool 2x2/2})
     * @param output     its output shape
     * @param parameters trainable elements it reads that no earlier op of the pass read
     * @param macs       multiply-accumulates (conv and linear layers; 0 for the others, as torchvision's counts)
     */
    public record Layer(String name, String op, Shape output, long parameters, long macs) {

        /** Bytes of the output in f32. */
        public long activationBytes() {
            return output.elementCount() * Float.BYTES;
        }
    }

    private final List<Layer> layers = new ArrayList<>();
    private final java.util.Set<Object> countedParameters =
            Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    /** Adds a layer; {@code parameters} are counted only the first time each object is seen. */
    void add(String name, String op, Shape output, List<?> parameterObjects, List<Long> parameterSizes, long macs) {
        long parameters = 0;
        for (int i = 0; i < parameterObjects.size(); i++) {
            if (countedParameters.add(parameterObjects.get(i))) {
                parameters += parameterSizes.get(i);
            }
        }
        layers.add(new Layer(name, op, output, parameters, macs));
    }

    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    /** Trainable parameters the pass read, each counted once. */
    public long parameters() {
        return layers.stream().mapToLong(Layer::parameters).sum();
    }

    /** Multiply-accumulates of the pass. */
    public long macs() {
        return layers.stream().mapToLong(Layer::macs).sum();
    }
}
