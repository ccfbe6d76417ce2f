package dev.jdnn.bench.jmh;

import dev.jdnn.engine.kernel.Im2col;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * im2col of ResNet-50's convolution inputs (batch 1): conv1 (3×224×224, 7×7 stride 2 pad 3) and the 3×3 pad-1
 * convolutions of each stage, stride 1 and 2, on 1 and 2 threads. The columns are spot-checked in {@code @Setup}.
 * Run: {@code java -jar bench/target/jdnn-benchmarks.jar Im2colBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class Im2colBenchmark {

    /** {@code C x H x W / kernel / stride / padding}. */
    @Param({"3x224x224/7/2/3", "64x56x56/3/1/1", "128x56x56/3/2/1", "128x28x28/3/1/1", "256x14x14/3/1/1",
        "512x7x7/3/1/1"})
    public String conv;

    @Param({"1", "2"})
    public int threads;

    private Tensor input;
    private Tensor columns;
    private Window2d window;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        String[] parts = conv.split("/");
        String[] chw = parts[0].split("x");
        Shape shape = Shape.of(1, Integer.parseInt(chw[0]), Integer.parseInt(chw[1]), Integer.parseInt(chw[2]));
        window = Window2d.square(Integer.parseInt(parts[1]), Integer.parseInt(parts[2]), Integer.parseInt(parts[3]));
        input = Tensor.allocate(shape, DType.F32);
        SplittableRandom random = new SplittableRandom(7);
        float[] values = new float[(int) shape.elementCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble();
        }
        input.copyFrom(values);
        columns = Tensor.allocate(Im2col.columnsShape(shape, 1, window), DType.F32);
        im2col();
        checkColumns();
    }

    /** Column (kernel centre row of channel 0, first output) must hold the input it points at. */
    private void checkColumns() {
        int outW = window.outputWidth(input.dim(3));
        int kh = window.kernelH() / 2;
        int kw = window.kernelW() / 2;
        int row = kh * window.kernelW() + kw;
        int oh = 1;
        int ow = 1;
        int ih = oh * window.strideH() - window.padH() + kh;
        int iw = ow * window.strideW() - window.padW() + kw;
        float expected = input.get(0, 0, ih, iw);
        float actual = columns.get(row, oh * outW + ow);
        if (Float.compare(expected, actual) != 0) {
            throw new IllegalStateException("im2col wrote " + actual + " where the input holds " + expected);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        input.close();
        columns.close();
    }

    @Benchmark
    public void im2col() {
        Im2col.im2col(input, 0, 0, 1, window, columns);
    }
}
