package dev.jdnn.engine.kernel;

/**
 * Two small per-thread arrays in which {@link Sgemm} transposes one panel (at most {@code KC × nr} floats, tens of
 * kilobytes) between bulk copies from and to off-heap memory. They grow once to the largest panel and are reused.
 */
final class PackingArrays {

    private float[] line = new float[0];
    private float[] panel = new float[0];

    /** An array of at least {@code length} floats for one source row. */
    float[] line(int length) {
        if (line.length < length) {
            line = new float[length];
        }
        return line;
    }

    /** An array of at least {@code length} floats for one packed panel. */
    float[] panel(int length) {
        if (panel.length < length) {
            panel = new float[length];
        }
        return panel;
    }
}
