package dev.jdnn.cli;

import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Parses {@code --input CxHxW} for the commands that take one. */
final class InputSizes {

    private InputSizes() {
    }

    /** {@code {C, H, W}} from {@code CxHxW} with positive sizes; a usage error naming the option otherwise. */
    static int[] parse(CommandSpec spec, String text) {
        String[] parts = text.toLowerCase(Locale.ROOT).split("x");
        try {
            if (parts.length == 3) {
                int[] chw = {Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2])};
                if (chw[0] > 0 && chw[1] > 0 && chw[2] > 0) {
                    return chw;
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ParameterException(spec.commandLine(), "--input must be CxHxW with positive sizes (3x224x224), got "
                + text);
    }
}
