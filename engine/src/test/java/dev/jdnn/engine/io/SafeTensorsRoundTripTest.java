package dev.jdnn.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.Tolerance;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsRoundTripTest {

    @TempDir
    Path dir;

    /** Values with awkward bits: signed zeros, subnormals, infinities, a NaN payload, extremes. */
    private static float[] values(int count, long seed) {
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_NORMAL, Float.MAX_VALUE, Float.NEGATIVE_INFINITY,
                Float.intBitsToFloat(0x7fc0_1234), 1f / 3};
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = i < special.length ? special[i] : (float) random.nextGaussian();
        }
        return values;
    }

    @Test
    void tensorsOfEveryRankRoundTripBitForBit() throws IOException {
        Map<String, float[]> expected = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        List<int[]> shapes = List.of(new int[] {}, new int[] {1}, new int[] {2}, new int[] {3}, new int[] {7},
                new int[] {15}, new int[] {16}, new int[] {17}, new int[] {31}, new int[] {33}, new int[] {127},
                new int[] {257}, new int[] {2, 3, 5, 7}, new int[] {6, 1, 5, 5}, new int[] {1, 1, 1, 1});
        try {
            for (int i = 0; i < shapes.size(); i++) {
                Shape shape = Shape.of(shapes.get(i));
                float[] data = values((int) shape.elementCount(), i);
                String name = "layer" + i + ".weight";
                expected.put(name, data);
                tensors.put(name, Tensor.of(data, shapes.get(i)));
            }
            Path file = dir.resolve("model.safetensors");
            SafeTensors.write(file, tensors, Map.of());
            try (SafeTensorsFile read = SafeTensors.read(file)) {
                assertEquals(expected.keySet(), Map.copyOf(read.tensors()).keySet());
                for (Map.Entry<String, float[]> e : expected.entrySet()) {
                    Tensor tensor = read.tensor(e.getKey());
                    assertEquals(tensors.get(e.getKey()).shape(), tensor.shape(), e.getKey());
                    assertEquals(SafeTensorsDType.F32, read.entry(e.getKey()).dtype());
                    Tolerance.assertBitsEqual(e.getValue(), tensor.toFloatArray(), e.getKey());
                }
                assertEquals(Map.of(), read.metadata());
            }
        } finally {
            tensors.values().forEach(Tensor::close);
        }
    }

    @Test
    void bf16AndS8TensorsRoundTripUnchanged() throws IOException {
        try (Tensor bf16 = Tensor.allocate(Shape.of(3, 5), DType.BF16);
             Tensor s8 = Tensor.allocate(Shape.of(17), DType.S8)) {
            for (int i = 0; i < 15; i++) {
                bf16.segment().setAtIndex(ValueLayout.JAVA_SHORT, i, (short) (0x3f80 + 37 * i));
            }
            for (int i = 0; i < 17; i++) {
                s8.segment().set(ValueLayout.JAVA_BYTE, i, (byte) (i * 15 - 128));
            }
            Path file = dir.resolve("mixed.safetensors");
            SafeTensors.write(file, Map.of("h", bf16, "q", s8), Map.of());
            try (SafeTensorsFile read = SafeTensors.read(file);
                 Tensor bf16Back = Tensor.allocate(Shape.of(3, 5), DType.BF16);
                 Tensor s8Back = Tensor.allocate(Shape.of(17), DType.S8)) {
                assertEquals(SafeTensorsDType.BF16, read.entry("h").dtype());
                assertEquals(SafeTensorsDType.I8, read.entry("q").dtype());
                read.loadInto("h", bf16Back);
                read.loadInto("q", s8Back);
                assertArrayEquals(bf16.segment().toArray(ValueLayout.JAVA_BYTE),
                        bf16Back.segment().toArray(ValueLayout.JAVA_BYTE));
                assertArrayEquals(s8.segment().toArray(ValueLayout.JAVA_BYTE),
                        s8Back.segment().toArray(ValueLayout.JAVA_BYTE));
                // bf16 widens to f32 exactly: its bits are the top half of the float's.
                float[] widened = read.tensor("h").toFloatArray();
                for (int i = 0; i < 15; i++) {
                    assertEquals(Float.intBitsToFloat((0x3f80 + 37 * i) << 16), widened[i], "h[" + i + "]");
                }
            }
        }
    }

    @Test
    void metadataRoundTrips() throws IOException {
        Map<String, String> metadata = Map.of("format", "pt", "epoch", "12", "quote \" and \\ slash", "line\nbreak",
                "unicode λ→🚀", "tab\tvalue", "", "empty key");
        try (Tensor t = Tensor.of(new float[] {1, 2}, 2)) {
            Path file = dir.resolve("meta.safetensors");
            SafeTensors.write(file, Map.of("t", t), metadata);
            try (SafeTensorsFile read = SafeTensors.read(file)) {
                assertEquals(metadata, read.metadata());
            }
        }
    }

    @Test
    void anEmptyMapWritesTheReferenceEmptyFile() throws IOException {
        Path file = dir.resolve("empty.safetensors");
        SafeTensors.write(file, Map.of(), Map.of());
        // The reference's own test: length 8, "{}" and six spaces.
        assertArrayEquals(new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '},
                Files.readAllBytes(file));
        try (SafeTensorsFile read = SafeTensors.read(file)) {
            assertEquals(List.of(), read.names());
        }
    }

    @Test
    void theHeaderIsLaidOutByteForByteAsTheReferenceWriterDoes() throws IOException {
        try (Tensor t = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 1, 1, 2, 3)) {
            Path file = dir.resolve("attn0.safetensors");
            SafeTensors.write(file, Map.of("attn0", t), Map.of());
            // 65 bytes of JSON, padded with 7 spaces to 72 (a multiple of 8), then 6 little-endian floats.
            String json = "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}";
            assertEquals(65, json.length());
            ByteBuffer expected = ByteBuffer.allocate(8 + 72 + 24).order(ByteOrder.LITTLE_ENDIAN);
            expected.putLong(72).put(json.getBytes(StandardCharsets.US_ASCII)).put("       ".getBytes(
                    StandardCharsets.US_ASCII));
            expected.put(SafeTensorsTestFiles.f32(0, 1, 2, 3, 4, 5));
            assertArrayEquals(expected.array(), Files.readAllBytes(file));
        }
    }

    @Test
    void tensorsAreOrderedWidestTypeFirstThenByNameWithMetadataFirst() throws IOException {
        try (Tensor b = Tensor.of(new float[] {1.5f}, 1);
             Tensor a = Tensor.of(new float[] {2, 3}, 2);
             Tensor steps = Tensor.of(new float[] {7}); // a scalar stored as I64, like num_batches_tracked
             Tensor h = Tensor.allocate(Shape.of(1), DType.BF16)) {
            h.segment().setAtIndex(ValueLayout.JAVA_SHORT, 0, (short) 0x4040); // 3.0 in bf16
            Path file = dir.resolve("order.safetensors");
            SafeTensors.write(file, Map.of("b", b, "a", a, "steps", steps, "h", h), Map.of("k", "v"),
                    Map.of("steps", SafeTensorsDType.I64));
            String json = "{\"__metadata__\":{\"k\":\"v\"},"
                    + "\"steps\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},"
                    + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},"
                    + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]},"
                    + "\"h\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[20,22]}}";
            int padded = (json.length() + 7) / 8 * 8;
            ByteBuffer expected = ByteBuffer.allocate(8 + padded + 22).order(ByteOrder.LITTLE_ENDIAN);
            expected.putLong(padded).put(json.getBytes(StandardCharsets.US_ASCII));
            while (expected.position() < 8 + padded) {
                expected.put((byte) ' ');
            }
            expected.putLong(7).putFloat(2).putFloat(3).putFloat(1.5f).putShort((short) 0x4040);
            assertArrayEquals(expected.array(), Files.readAllBytes(file));
            try (SafeTensorsFile read = SafeTensors.read(file)) {
                assertEquals(List.of("steps", "a", "b", "h"), read.names());
                assertArrayEquals(new long[] {7}, read.longs("steps"));
                assertEquals(7f, read.tensor("steps").get());
                assertEquals(Shape.of(), read.tensor("steps").shape());
            }
        }
    }

    @Test
    void otherTypesLoadAsF32ByTheirDefinitions() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(8 * 3 + 2 * 3 + 8 * 2 + 2 + 4).order(ByteOrder.LITTLE_ENDIAN);
        data.putDouble(0.1).putDouble(-1e300).putDouble(Math.PI);           // F64 [0, 24)
        data.putLong(-3).putLong((1L << 24) + 1);                            // I64 [24, 40)
        data.putShort(Float.floatToFloat16(0.5f)).putShort((short) 0x7c00)  // F16 [40, 46): 0.5, +inf, 65504
                .putShort((short) 0x7bff);
        data.put((byte) 1).put((byte) 0);                                    // BOOL [46, 48)
        data.putShort((short) 65535).putShort((short) 2);                    // U16 [48, 52)
        String json = "{\"d\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[0,24]},"
                + "\"l\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[24,40]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[40,46]},"
                + "\"z\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[46,48]},"
                + "\"u\":{\"dtype\":\"U16\",\"shape\":[2],\"data_offsets\":[48,52]}}";
        Path file = SafeTensorsTestFiles.write(dir.resolve("types.safetensors"), json, data.array());
        try (SafeTensorsFile read = SafeTensors.read(file)) {
            Tolerance.assertBitsEqual(new float[] {(float) 0.1, Float.NEGATIVE_INFINITY, (float) Math.PI},
                    read.tensor("d").toFloatArray(), "F64 rounds to nearest f32");
            Tolerance.assertBitsEqual(new float[] {-3f, (float) ((1L << 24) + 1)}, read.tensor("l").toFloatArray(),
                    "I64 rounds to nearest f32");
            assertArrayEquals(new long[] {-3, (1L << 24) + 1}, read.longs("l"));
            Tolerance.assertBitsEqual(new float[] {0.5f, Float.POSITIVE_INFINITY, 65504f},
                    read.tensor("h").toFloatArray(), "F16 widens exactly");
            Tolerance.assertBitsEqual(new float[] {1, 0}, read.tensor("z").toFloatArray(), "BOOL");
            Tolerance.assertBitsEqual(new float[] {65535, 2}, read.tensor("u").toFloatArray(), "U16");
            IllegalArgumentException notIntegers = assertThrows(IllegalArgumentException.class,
                    () -> read.longs("d"));
            assertTrue(notIntegers.getMessage().contains("tensor d is F64, not integers"), notIntegers.getMessage());
        }
    }

    @Test
    void aZeroSizedTensorIsValidButCannotBeLoaded() throws IOException {
        String json = "{\"empty\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[0,0]},"
                + "\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        Path file = SafeTensorsTestFiles.write(dir.resolve("zero.safetensors"), json, SafeTensorsTestFiles.f32(9));
        try (SafeTensorsFile read = SafeTensors.read(file)) {
            assertEquals(9f, read.tensor("x").get(0));
            assertEquals(List.of(0L, 3L), read.entry("empty").dims());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read.tensor("empty"));
            assertTrue(e.getMessage().contains("tensor empty has shape (0, 3): jdnn tensors cannot be empty"),
                    e.getMessage());
        }
    }
}
