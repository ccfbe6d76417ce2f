package dev.jdnn.engine.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The four files of an MNIST-style directory, found under any of the names they are distributed with. */
final class IdxDirectory {

    private IdxDirectory() {
    }

    /** Opens the train ({@code train-*}) or test ({@code t10k-*}) split in {@code dir}, plain or gzipped. */
    static ByteImageDataset open(Path dir, boolean train, List<String> classNames, String dataset, String hint)
            throws IOException {
        String prefix = train ? "train" : "t10k";
        Path images = DataFiles.firstExisting(dir, names(prefix, "images", "idx3"), dataset, hint);
        Path labels = DataFiles.firstExisting(dir, names(prefix, "labels", "idx1"), dataset, hint);
        return Idx.read(images, labels, classNames);
    }

    private static List<String> names(String prefix, String kind, String idx) {
        String dashed = prefix + "-" + kind + "-" + idx + "-ubyte";
        String dotted = prefix + "-" + kind + "." + idx + "-ubyte";
        return List.of(dashed + ".gz", dashed, dotted + ".gz", dotted);
    }
}
