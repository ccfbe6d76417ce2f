package dev.jdnn.engine.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Zalando's Fashion-MNIST (Xiao et al. 2017): 60,000 train and 10,000 test grey 28x28 images of 10 kinds of clothes. */
public final class FashionMnist {

    /** Where the Debian package {@code dataset-fashion-mnist} installs the four gzipped IDX files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist/");

    /** The class names of the data set's README, index = label. */
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final String HINT = "install it with: apt-get install dataset-fashion-mnist,"
            + " or pass --data fashion-mnist:DIR";

    private FashionMnist() {
    }

    /** The train or test split from {@link #DEFAULT_DIR}. */
    public static ByteImageDataset open(boolean train) throws IOException {
        return open(DEFAULT_DIR, train);
    }

    /** The train or test split from {@code dir} ({@code train-images-idx3-ubyte[.gz]} and so on). */
    public static ByteImageDataset open(Path dir, boolean train) throws IOException {
        return IdxDirectory.open(dir, train, CLASS_NAMES, "Fashion-MNIST", HINT);
    }
}
