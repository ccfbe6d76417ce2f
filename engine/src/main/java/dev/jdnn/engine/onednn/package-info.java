/**
 * jdnn's side of oneDNN: the only package of the engine that imports the generated bindings
 * ({@code dev.jdnn.bindings.dnnl}). It turns oneDNN's status codes into exceptions and exposes what the rest of the
 * engine, the benchmarks and {@code jdnn doctor} need: {@link dev.jdnn.engine.onednn.OneDnnBackend} and its
 * primitives, on a small typed layer over the handles (engine and stream, memory descriptors, memory, primitive
 * descriptors, attributes, primitives) whose destroy functions are owned by a {@code NativeResources}.
 */
package dev.jdnn.engine.onednn;
