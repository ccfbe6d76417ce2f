/**
 * Finds and loads the oneDNN shared library ({@code libdnnl.so.3} and the {@code libgomp} it needs) and answers one
 * question for the rest of jdnn: is oneDNN available, and if not, why. Knows nothing of tensors or of oneDNN's API.
 */
package dev.jdnn.nativelib;
