package dev.jdnn.engine.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** LeCun's MNIST digits: 60,000 train and 10,000 test grey 28x28 images, labels 0..9. */
public final class Mnist {

    /** Where the CLI looks by default (no Debian package ships MNIST; place its four IDX files here). */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/mnist/");

    public static final List<String> CLASS_NAMES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    private static final String HINT = "place MNIST's IDX files (train-images-idx3-ubyte.gz, ...) there,"
            + " or pass --data mnist:DIR";

    private Mnist() {
    }

    /** The train or test split from {@link #DEFAULT_DIR}. */
    public static ByteImageDataset open(boolean train) throws IOException {
        return open(DEFAULT_DIR, train);
    }

    /** The train or test split from {@code dir} ({@code train-images-idx3-ubyte[.gz]} and so on). */
    public static ByteImageDataset open(Path dir, boolean train) throws IOException {
        return IdxDirectory.open(dir, train, CLASS_NAMES, "MNIST", HINT);
    }
}
