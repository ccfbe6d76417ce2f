package dev.jdnn.zoo;

import dev.jdnn.engine.nn.Module;
import dev.jdnn.zoo.alexnet.AlexNetModels;
import dev.jdnn.zoo.cifar.CifarModels;
import dev.jdnn.zoo.densenet.DenseNetModels;
import dev.jdnn.zoo.efficientnet.EfficientNetModels;
import dev.jdnn.zoo.googlenet.GoogLeNetModels;
import dev.jdnn.zoo.lenet.LeNetModels;
import dev.jdnn.zoo.mobilenet.MobileNetModels;
import dev.jdnn.zoo.resnet.ResNetModels;
import dev.jdnn.zoo.shufflenet.ShuffleNetModels;
import dev.jdnn.zoo.squeezenet.SqueezeNetModels;
import dev.jdnn.zoo.vgg.VGGModels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The models by key (torchvision's names where torchvision has the model): {@link #create} builds one for a number of
 * classes; {@link #info} gives what is known before building it. Each family registers its entries
 * ({@code XxxModels.entries()}).
 */
public final class Models {

    private static final Map<String, ModelEntry> ENTRIES = new LinkedHashMap<>();

    static {
        Stream.of(
                LeNetModels.entries(),
                AlexNetModels.entries(),
                VGGModels.entries(),
                GoogLeNetModels.entries(),
                ResNetModels.entries(),
                CifarModels.entries(),
                DenseNetModels.entries(),
                SqueezeNetModels.entries(),
                MobileNetModels.entries(),
                ShuffleNetModels.entries(),
                EfficientNetModels.entries()
        ).flatMap(List::stream).forEach(Models::register);
    }

    private Models() {
    }

    private static void register(ModelEntry entry) {
        if (ENTRIES.putIfAbsent(entry.info().key(), entry) != null) {
            throw new IllegalStateException("model key registered twice: " + entry.info().key());
        }
    }

    /** Every key, in registry order (by family, then size). */
    public static List<String> keys() {
        return List.copyOf(ENTRIES.keySet());
    }

    /** Every entry's info, in registry order. */
    public static List<ModelInfo> all() {
        List<ModelInfo> all = new ArrayList<>();
        ENTRIES.values().forEach(entry -> all.add(entry.info()));
        return all;
    }

    /** The model's registry info; fails naming the known keys. */
    public static ModelInfo info(String key) {
        return entry(key).info();
    }

    /** A new model {@code key} with {@code numClasses} outputs (parameters initialized on first use, seed 0). */
    public static Module create(String key, int numClasses) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException(key + ": the number of classes must be positive, got " + numClasses);
        }
        return entry(key).factory().create(numClasses);
    }

    private static ModelEntry entry(String key) {
        ModelEntry entry = ENTRIES.get(key);
        if (entry == null) {
            throw new IllegalArgumentException("no model named '" + key + "'; known: " + String.join(", ", keys()));
        }
        return entry;
    }
}
