package dev.jdnn.bench.jmh;

import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.Conv2dForward;
import dev.jdnn.engine.backend.Conv2dSpec;
import dev.jdnn.engine.backend.JavaBackend;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.onednn.OneDnn;
import dev.jdnn.engine.onednn.OneDnnBackend;
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
 * Forward convolution, Java path (im2col + SGEMM) vs oneDNN, on every distinct convolution of ResNet-50 (torchvision,
 * stride on the 3×3) and VGG-16 at 224×224, batch 1 and 32. Shapes are {@code CxHxW-OC-kernel-stride-padding}.
 * The two backends' outputs are compared in {@code @Setup}. Run one case:
 * {@code java -jar bench/target/jdnn-benchmarks.jar ConvBenchmark -p conv=64x56x56-64-3-1-1 -p batch=1}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ConvBenchmark {

    @Param({
        // ResNet-50
        "3x224x224-64-7-2-3",
        "64x56x56-64-1-1-0", "64x56x56-64-3-1-1", "64x56x56-256-1-1-0", "256x56x56-64-1-1-0",
        "256x56x56-128-1-1-0", "128x56x56-128-3-2-1", "128x28x28-512-1-1-0", "256x56x56-512-1-2-0",
        "512x28x28-128-1-1-0", "128x28x28-128-3-1-1",
        "512x28x28-256-1-1-0", "256x28x28-256-3-2-1", "256x14x14-1024-1-1-0", "512x28x28-1024-1-2-0",
        "1024x14x14-256-1-1-0", "256x14x14-256-3-1-1",
        "1024x14x14-512-1-1-0", "512x14x14-512-3-2-1", "512x7x7-2048-1-1-0", "1024x14x14-2048-1-2-0",
        "2048x7x7-512-1-1-0", "512x7x7-512-3-1-1",
        // VGG-16 (3x3, padding 1)
        "3x224x224-64-3-1-1", "64x224x224-64-3-1-1", "64x112x112-128-3-1-1", "128x112x112-128-3-1-1",
        "128x56x56-256-3-1-1", "256x56x56-256-3-1-1", "256x28x28-512-3-1-1", "512x28x28-512-3-1-1",
        "512x14x14-512-3-1-1"
    })
    public String conv;

    @Param({"1", "32"})
    public int batch;

    @Param({"java", "onednn"})
    public String backend;

    @Param({"2"})
    public int threads;

    private Backend implementation;
    private Conv2dForward forward;
    private Tensor input;
    private Tensor weight;
    private Tensor bias;
    private Tensor output;

    /** Parses {@code CxHxW-OC-kernel-stride-padding} for a batch. */
    static Conv2dSpec spec(String conv, int batch) {
        String[] parts = conv.split("-");
        String[] chw = parts[0].split("x");
        Window2d window = Window2d.square(Integer.parseInt(parts[2]), Integer.parseInt(parts[3]),
                Integer.parseInt(parts[4]));
        return new Conv2dSpec(Shape.of(batch, Integer.parseInt(chw[0]), Integer.parseInt(chw[1]),
                Integer.parseInt(chw[2])), Integer.parseInt(parts[1]), window, 1, true, PostOp.NONE);
    }

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        Conv2dSpec spec = spec(conv, batch);
        input = random(spec.input(), 1);
        weight = random(spec.weightShape(), 2);
        bias = random(spec.biasShape(), 3);
        output = Tensor.allocate(spec.outputShape(), DType.F32);
        if (backend.equals("onednn")) {
            if (!OneDnn.isAvailable()) {
                throw new IllegalStateException("oneDNN is not available: " + OneDnn.status().reason());
            }
            implementation = new OneDnnBackend();
        } else {
            implementation = new JavaBackend();
        }
        forward = implementation.conv2dForward(spec);
        checkAgainstTheOtherBackend(spec);
    }

    /** One output element in a hundred must agree with the Java path (or oneDNN) within a relative 1e-3. */
    private void checkAgainstTheOtherBackend(Conv2dSpec spec) {
        forward.run(input, weight, bias, output);
        Backend other = backend.equals("onednn") ? new JavaBackend() : null;
        if (other == null) {
            return;
        }
        try (other;
             Tensor expected = Tensor.allocate(spec.outputShape(), DType.F32)) {
            other.conv2dForward(spec).run(input, weight, bias, expected);
            float[] a = output.toFloatArray();
            float[] b = expected.toFloatArray();
            for (int i = 0; i < a.length; i += 97) {
                if (Math.abs(a[i] - b[i]) > 1e-3 * (1 + Math.abs(b[i]))) {
                    throw new IllegalStateException("oneDNN and Java disagree at " + i + ": " + a[i] + " vs " + b[i]);
                }
            }
        }
    }

    private static Tensor random(Shape shape, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[Math.toIntExact(shape.elementCount())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextDouble() - 0.5);
        }
        Tensor tensor = Tensor.allocate(shape, DType.F32);
        tensor.copyFrom(values);
        return tensor;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        implementation.close();
        input.close();
        weight.close();
        bias.close();
        output.close();
    }

    @Benchmark
    public void forward() {
        forward.run(input, weight, bias, output);
    }
}
