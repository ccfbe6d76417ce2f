package dev.jdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jdnn train} and {@code jdnn eval} on a slice of Fashion-MNIST (installed by .ci/run), and their errors. */
class TrainCommandTest {

    private static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    @Test
    void trainsResumesAndEvaluates(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isDirectory(FASHION_MNIST), "Fashion-MNIST is not installed (apt-get install "
                + "dataset-fashion-mnist)");
        String[] common = {"lenet5_28", "--train-subset", "256", "--test-subset", "128", "--batch", "32",
            "--backend", "java", "--checkpoint", dir.toString(), "--no-progress", "--seed", "3"};
        CommandRun first = CommandRun.of(concat(new String[] {"train", "--epochs", "1"}, common));
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.out().contains("epoch 1: train loss "), first.out());
        assertTrue(Files.exists(dir.resolve("epoch-1.safetensors")));
        assertTrue(Files.exists(dir.resolve("training-curves.png")));

        CommandRun resumed = CommandRun.of(concat(new String[] {"train", "--epochs", "2", "--resume"}, common));
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.out().contains("resuming from"), resumed.out());
        assertTrue(resumed.out().contains("epoch 2: train loss "), resumed.out());
        assertTrue(!resumed.out().contains("epoch 1: "), "epoch 1 is not trained again:\n" + resumed.out());
        String log = Files.readString(dir.resolve("training-log.csv"));
        assertEquals(3, log.lines().count(), "header and two epochs:\n" + log);

        CommandRun changed = CommandRun.of(concat(new String[] {"train", "--epochs", "3", "--resume", "--lr", "0.5"},
                common));
        assertEquals(ExitCodes.USAGE, changed.exitCode());
        assertTrue(changed.err().contains("comes from a run with other settings; lr was 0.01, now 0.5"),
                changed.err());

        CommandRun eval = CommandRun.of("eval", "lenet5_28", "--weights", dir.resolve("epoch-2.safetensors")
                .toString(), "--test-subset", "128", "--backend", "java", "--format", "json");
        assertEquals(0, eval.exitCode(), eval.err());
        assertTrue(eval.out().contains("\"top1\""), eval.out());
        assertTrue(eval.out().contains("\"confusion\""), eval.out());
    }

    @Test
    void badOptionsAndMissingDataAreNamed(@TempDir Path dir) {
        CommandRun unknownModel = CommandRun.of("train", "lenet6", "--checkpoint", dir.toString());
        assertEquals(ExitCodes.USAGE, unknownModel.exitCode());
        assertTrue(unknownModel.err().contains("no model named 'lenet6'; known: lenet5, lenet5_28"),
                unknownModel.err());
        CommandRun missing = CommandRun.of("train", "lenet5_28", "--data", "fashion-mnist:" + dir.resolve("none"),
                "--checkpoint", dir.toString());
        assertEquals(ExitCodes.USAGE, missing.exitCode());
        assertTrue(missing.err().contains("apt-get install dataset-fashion-mnist"), missing.err());
        CommandRun badSchedule = CommandRun.of("train", "lenet5_28", "--schedule", "zigzag", "--checkpoint",
                dir.toString(), "--data", "fashion-mnist:" + dir);
        assertEquals(ExitCodes.USAGE, badSchedule.exitCode());
        CommandRun badEpochs = CommandRun.of("train", "lenet5_28", "--epochs", "0");
        assertEquals(ExitCodes.USAGE, badEpochs.exitCode());
        assertTrue(badEpochs.err().contains("--epochs must be at least 1, got 0"), badEpochs.err());
        CommandRun noWeights = CommandRun.of("eval", "lenet5_28", "--weights", dir.resolve("w.safetensors").toString());
        assertEquals(ExitCodes.USAGE, noWeights.exitCode());
        assertTrue(noWeights.err().contains("--weights: no such file"), noWeights.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
