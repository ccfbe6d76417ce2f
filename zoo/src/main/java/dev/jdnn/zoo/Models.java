package dev.jdnn.zoo;

import dev.jdnn.engine.nn.Module;
import dev.jdnn.zoo.lenet.LeNet5;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The models by key (torchvision's names where torchvision has the model): {@link #create} builds one for a number of
 * classes; {@link #info} gives what the CLI needs before building it.
 */
public final class Models {

    /**
     * What is known of a model before it is built.
     *
     * @param key           the registry key ({@code lenet5_28})
     * @param family        the family ({@code LeNet})
     * @param year          the paper's year
     * @param channels      input channels
     * @param height        default input height
     * @param width         default input width
     * @param classes       classes of the published model
     */
    public record Info(String key, String family, int year, int channels, int height, int width, int classes) {
    }

    private record Entry(Info info, IntFunction<Module> factory) {
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        register(new Info("lenet5", "LeNet", 1998, 1, 32, 32, 10), classes -> new LeNet5(LeNet5.CLASSIC, classes));
        register(new Info("lenet5_28", "LeNet", 1998, 1, 28, 28, 10),
                classes -> new LeNet5(LeNet5.MNIST_28, classes));
    }

    private Models() {
    }

    private static void register(Info info, IntFunction<Module> factory) {
        ENTRIES.put(info.key(), new Entry(info, factory));
    }

    /** Every key, in registry order. */
    public static List<String> keys() {
        return List.copyOf(ENTRIES.keySet());
    }

    /** The model's registry entry; fails naming the known keys. */
    public static Info info(String key) {
        return entry(key).info();
    }

    /** A new model {@code key} with {@code numClasses} outputs (its parameters initialized with seed 0). */
    public static Module create(String key, int numClasses) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException(key + ": the number of classes must be positive, got " + numClasses);
        }
        return entry(key).factory().apply(numClasses);
    }

    private static Entry entry(String key) {
        Entry entry = ENTRIES.get(key);
        if (entry == null) {
            throw new IllegalArgumentException("no model named '" + key + "'; known: " + String.join(", ", keys()));
        }
        return entry;
    }
}
