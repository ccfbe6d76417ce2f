/** The architectures of CNN history, built from the engine's modules, exact to their published definitions. */
package dev.jdnn.zoo;
