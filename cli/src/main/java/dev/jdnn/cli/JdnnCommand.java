package dev.jdnn.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root command: {@code jdnn <subcommand>}. */
@Command(name = "jdnn",
        mixinStandardHelpOptions = true,
        versionProvider = JdnnCommand.Version.class,
        description = "A CPU deep-learning engine for convolutional networks, on the JVM.",
        subcommands = {ZooCommand.class, SummaryCommand.class, TrainCommand.class, EvalCommand.class, InferCommand.class, BenchCommand.class, DoctorCommand.class,
            picocli.CommandLine.HelpCommand.class})
final class JdnnCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** The version from the build ({@code version.properties}, filtered by Maven). */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = JdnnCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"jdnn " + properties.getProperty("version", "(unknown version)"),
                "Java " + Runtime.version() + " (" + System.getProperty("java.home") + ")"};
        }
    }
}
