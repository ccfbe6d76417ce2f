/**
 * oneDNN's C API through the Foreign Function &amp; Memory API, in jextract's layout: header classes of static
 * downcalls and constants, struct layouts, and a thin typed layer over them. Knows nothing of tensors.
 */
package dev.jdnn.bindings;
