package dev.jdnn.engine.backend;

/**
 * One implementation of the engine's primitives: the Java kernels ({@link JavaBackend}) or oneDNN
 * ({@code dev.jdnn.engine.onednn.OneDnnBackend}). Both give the same answers within the project's tolerances.
 */
public interface Backend {

    /** {@code java} or {@code onednn}. */
    String name();

    /** Compiles a forward convolution for {@code spec}. */
    Conv2dForward conv2dForward(Conv2dSpec spec);
}
