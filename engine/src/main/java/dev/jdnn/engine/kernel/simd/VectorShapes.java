package dev.jdnn.engine.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector species every kernel of this package uses: the machine's preferred width, or the narrower one asked
 * for with {@code -Djdnn.vector.bits=128|256|512}. A static final constant, so the JIT sees it as one.
 */
final class VectorShapes {

    static final VectorSpecies<Float> FLOAT = chooseFloatSpecies();
    static final int FLOAT_LANES = FLOAT.length();

    private VectorShapes() {
    }

    private static VectorSpecies<Float> chooseFloatSpecies() {
        String bits = System.getProperty("jdnn.vector.bits");
        if (bits == null || bits.isBlank()) {
            return FloatVector.SPECIES_PREFERRED;
        }
        VectorSpecies<Float> requested = switch (bits.trim()) {
            case "128" -> FloatVector.SPECIES_128;
            case "256" -> FloatVector.SPECIES_256;
            case "512" -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException(
                    "system property jdnn.vector.bits must be 128, 256 or 512, got '" + bits + "'");
        };
        // Never wider than the hardware has: a wider species would run in slow emulation.
        return requested.vectorBitSize() <= FloatVector.SPECIES_PREFERRED.vectorBitSize()
                ? requested
                : FloatVector.SPECIES_PREFERRED;
    }
}
