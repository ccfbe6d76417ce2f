package dev.jdnn.cli.train;

import dev.jdnn.engine.train.EpochResult;
import dev.jdnn.engine.train.TrainingEvent;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.Consumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Renders a run's events: a progress bar per epoch on stderr (loss, accuracy, images/s; the bar's own elapsed time and
 * time left) and one line per epoch on stdout, the figures a person or a script reads afterwards.
 */
public final class TrainingProgress implements Consumer<TrainingEvent>, AutoCloseable {

    private final PrintWriter out;
    private final PrintStream progressStream;
    private final boolean showBar;
    private ProgressBar bar;

    /**
     * @param out     where the per-epoch lines go (stdout)
     * @param err     where the bar goes (stderr)
     * @param showBar false for a quiet run (only the epoch lines)
     */
    public TrainingProgress(PrintWriter out, PrintStream err, boolean showBar) {
        this.out = out;
        this.progressStream = err;
        this.showBar = showBar;
    }

    @Override
    public void accept(TrainingEvent event) {
        switch (event) {
            case TrainingEvent.Started started -> out.printf(Locale.ROOT,
                    "training %d image(s), testing on %d; epochs %d to %d, %d batches per epoch%n",
                    started.trainImages(), started.testImages(), started.firstEpoch(), started.epochs(),
                    started.batchesPerEpoch());
            case TrainingEvent.BatchFinished batch -> {
                if (!showBar) {
                    return;
                }
                if (bar == null) {
                    bar = new ProgressBarBuilder().setTaskName("epoch " + batch.epoch()).setInitialMax(batch.batches())
                            .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate()
                            .setConsumer(new ConsoleProgressBarConsumer(progressStream)).build();
                }
                bar.stepTo(batch.batch());
                bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f acc %.2f%% %.0f img/s", batch.loss(),
                        100 * batch.accuracy(), batch.imagesPerSecond()));
            }
            case TrainingEvent.Evaluating evaluating -> closeBar();
            case TrainingEvent.EpochFinished finished -> {
                closeBar();
                EpochResult e = finished.result();
                out.printf(Locale.ROOT, "epoch %d: train loss %.4f, train accuracy %.2f%%, test loss %s, test accuracy "
                                + "%s (top-5 %s), lr %.4g, %.1f s, %.0f img/s%n", e.epoch(), e.trainLoss(),
                        100 * e.trainAccuracy(), number(e.testLoss(), false), number(e.testAccuracy(), true),
                        number(e.testTop5(), true), e.learningRate(), e.seconds(), e.imagesPerSecond());
                out.flush();
            }
            case TrainingEvent.CheckpointSaved saved -> {
                out.println("checkpoint: " + saved.weights());
                out.flush();
            }
        }
    }

    private static String number(double value, boolean percent) {
        if (Double.isNaN(value)) {
            return "-";
        }
        return percent ? String.format(Locale.ROOT, "%.2f%%", 100 * value) : String.format(Locale.ROOT, "%.4f", value);
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    @Override
    public void close() {
        closeBar();
    }
}
