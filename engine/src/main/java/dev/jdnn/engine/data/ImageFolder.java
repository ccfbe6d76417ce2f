package dev.jdnn.engine.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Images in one sub-directory per class, like torchvision's {@code ImageFolder}: the classes are the sub-directory
 * names in sorted order, the images every PNG / JPEG / BMP / GIF file below each (sorted by path). Images are decoded
 * with {@code javax.imageio} when read, resized bilinearly to the requested size and turned into grey or RGB.
 *
 * <p>Opening lists the files only; an image that cannot be decoded fails when it is read, with an
 * {@link UncheckedIOException} around a {@link DatasetFormatException} naming the file.
 */
public final class ImageFolder implements ImageDataset {

    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    private final Path root;
    private final ImageShape shape;
    private final List<String> classNames;
    private final List<Path> files; // (N) image files, by class then path
    private final int[] labels;     // (N)

    private ImageFolder(Path root, ImageShape shape, List<String> classNames, List<Path> files, int[] labels) {
        this.root = root;
        this.shape = shape;
        this.classNames = classNames;
        this.files = files;
        this.labels = labels;
    }

    /**
     * Lists the images under {@code root} (one sub-directory per class); each is read as {@code channels} (1 = grey,
     * 3 = RGB) planes of {@code height x width} pixels.
     */
    public static ImageFolder open(Path root, int height, int width, int channels) throws IOException {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("ImageFolder " + root + ": channels must be 1 (grey) or 3 (RGB), got "
                    + channels);
        }
        ImageShape shape = new ImageShape(channels, height, width);
        DataFiles.requireDirectory(root, "image folder", "pass a directory with one sub-directory of images per class");
        List<Path> classDirs;
        try (Stream<Path> entries = Files.list(root)) {
            classDirs = entries.filter(Files::isDirectory)
                    .filter(dir -> !dir.getFileName().toString().startsWith("."))
                    .sorted().toList();
        }
        if (classDirs.isEmpty()) {
            throw new DatasetFormatException(root, "expected one sub-directory per class, found none");
        }
        List<String> classNames = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path classDir : classDirs) {
            List<Path> images;
            try (Stream<Path> walk = Files.walk(classDir)) {
                images = walk.filter(Files::isRegularFile).filter(ImageFolder::isImage).sorted().toList();
            }
            if (images.isEmpty()) {
                throw new DatasetFormatException(classDir, "class directory holds no image (expected files ending in "
                        + String.join(", ", EXTENSIONS.stream().sorted().toList()) + ")");
            }
            int label = classNames.size();
            classNames.add(classDir.getFileName().toString());
            for (Path image : images) {
                files.add(image);
                labels.add(label);
            }
        }
        return new ImageFolder(root, shape, List.copyOf(classNames), List.copyOf(files),
                labels.stream().mapToInt(Integer::intValue).toArray());
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && !name.startsWith(".") && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** The directory the classes were listed from. */
    public Path root() {
        return root;
    }

    /** The file of image {@code index}. */
    public Path file(int index) {
        checkIndex(index, "ImageFolder file");
        return files.get(index);
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public ImageShape imageShape() {
        return shape;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public int label(int index) {
        checkIndex(index, "ImageFolder label");
        return labels[index];
    }

    @Override
    public void copyImage(int index, float[] target, int offset) {
        checkIndex(index, "ImageFolder copyImage");
        if (offset < 0 || offset > target.length - shape.size()) {
            throw new IllegalArgumentException("copyImage: target of " + target.length + " floats has no room for "
                    + shape.size() + " values at offset " + offset);
        }
        Path file = files.get(index);
        try {
            DecodedImage decoded = DecodedImage.read(file, shape.channels());
            decoded.resizeBilinear(shape.height(), shape.width(), target, offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
