package dev.jdnn.nativelib;

/**
 * One shared library that jdnn provisions: its name, where it sits in the carrier jar, and its SHA-256, pinned so that
 * a damaged jar or cache file is noticed before anything is loaded from it.
 */
record NativeFile(String fileName, String resourcePath, String sha256) {
}
