/**
 * jdnn's side of oneDNN: the only package of the engine that imports the generated bindings
 * ({@code dev.jdnn.bindings.dnnl}). It turns oneDNN's status codes into exceptions and exposes what the rest of the
 * engine, the benchmarks and {@code jdnn doctor} need.
 */
package dev.jdnn.engine.onednn;
