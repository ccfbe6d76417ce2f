package dev.jdnn.cli;

import dev.jdnn.zoo.ModelInfo;
import dev.jdnn.zoo.Models;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The MODEL argument of the commands that take a zoo key. */
final class ZooKeys {

    private ZooKeys() {
    }

    /** The registry info of {@code key}; an unknown key is a usage error listing the known ones. */
    static ModelInfo info(CommandSpec spec, String key) {
        try {
            return Models.info(key);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
