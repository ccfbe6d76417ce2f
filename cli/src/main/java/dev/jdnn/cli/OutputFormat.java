package dev.jdnn.cli;

/** How a command prints its result on stdout. */
enum OutputFormat {
    /** Aligned columns for people. */
    text,
    /** One JSON document for programs. */
    json
}
