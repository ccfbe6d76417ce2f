package dev.jdnn.cli.train;

import dev.jdnn.engine.io.AtomicFiles;
import dev.jdnn.engine.train.EpochResult;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code training-curves.png}: loss (left) and accuracy (right) per epoch, train and test, drawn with XChart and
 * written atomically beside the log.
 */
public final class TrainingCurves {

    static final String PNG = "training-curves.png";

    private TrainingCurves() {
    }

    /** Draws the curves of {@code epochs} into {@code directory}/training-curves.png; returns the file. */
    public static Path write(Path directory, String title, List<EpochResult> epochs) throws IOException {
        List<Double> x = new ArrayList<>();
        List<Double> trainLoss = new ArrayList<>();
        List<Double> testLoss = new ArrayList<>();
        List<Double> trainAccuracy = new ArrayList<>();
        List<Double> testAccuracy = new ArrayList<>();
        for (EpochResult e : epochs) {
            x.add((double) e.epoch());
            trainLoss.add(e.trainLoss());
            testLoss.add(e.testLoss());
            trainAccuracy.add(100 * e.trainAccuracy());
            testAccuracy.add(100 * e.testAccuracy());
        }
        XYChart loss = chart(title + " — loss", "loss");
        add(loss, "train", x, trainLoss);
        add(loss, "test", x, testLoss);
        XYChart accuracy = chart(title + " — top-1 accuracy", "accuracy (%)");
        add(accuracy, "train", x, trainAccuracy);
        add(accuracy, "test", x, testAccuracy);
        BufferedImage left = BitmapEncoder.getBufferedImage(loss);
        BufferedImage right = BitmapEncoder.getBufferedImage(accuracy);
        BufferedImage both = new BufferedImage(left.getWidth() + right.getWidth(),
                Math.max(left.getHeight(), right.getHeight()), BufferedImage.TYPE_INT_RGB);
        var graphics = both.createGraphics();
        graphics.drawImage(left, 0, 0, null);
        graphics.drawImage(right, left.getWidth(), 0, null);
        graphics.dispose();
        Path target = directory.resolve(PNG);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        if (!ImageIO.write(both, "png", png)) {
            throw new IOException("no PNG writer in this JVM (javax.imageio)");
        }
        AtomicFiles.write(target, channel -> {
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(png.toByteArray());
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        });
        return target;
    }

    private static XYChart chart(String title, String yAxis) {
        XYChart chart = new XYChartBuilder().width(640).height(420).title(title).xAxisTitle("epoch").yAxisTitle(yAxis)
                .build();
        chart.getStyler().setMarkerSize(6);
        return chart;
    }

    /** Adds a series, leaving out NaN points (no test set). */
    private static void add(XYChart chart, String name, List<Double> x, List<Double> y) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            if (!Double.isNaN(y.get(i))) {
                xs.add(x.get(i));
                ys.add(y.get(i));
            }
        }
        if (!xs.isEmpty()) {
            chart.addSeries(name, xs, ys).setMarker(SeriesMarkers.CIRCLE);
        }
    }
}
