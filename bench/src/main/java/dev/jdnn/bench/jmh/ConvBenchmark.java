package dev.jdnn.bench.jmh;

import dev.jdnn.bench.conv.ConvLayer;
import dev.jdnn.bench.conv.ConvLayers;
import dev.jdnn.bench.conv.ConvOperands;
import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.Backends;
import dev.jdnn.engine.backend.Conv2dForward;
import dev.jdnn.engine.parallel.Parallel;
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
 * Forward convolution, Java path (SGEMM) vs oneDNN, on every distinct convolution of ResNet-50 (torchvision,
 * stride on the 3×3) and VGG-16 at 224×224, batch 1 and 32, with the bias and post-op an inference compiler fuses,
 * and on {@code probe.1x1x1}, whose time is the cost of one call (on oneDNN: two primitive executions through FFM).
 * The layers are {@link ConvLayers}' (names as in {@code bench/native/conv-layers.txt}; a test keeps the list below
 * equal to {@link ConvLayers#benchmarked()}). The result is checked against the formula in {@code @Setup}. One case:
 * {@code java -jar bench/target/jdnn-benchmarks.jar ConvBenchmark -p layer=resnet50.layer1.0.conv2 -p batch=1}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ConvBenchmark {

    @Param({
        "resnet50.conv1",
        "resnet50.layer1.0.conv1", "resnet50.layer1.0.conv2", "resnet50.layer1.0.downsample.0",
        "resnet50.layer1.0.conv3", "resnet50.layer1.1.conv1",
        "resnet50.layer2.0.conv1", "resnet50.layer2.0.conv2", "resnet50.layer2.0.downsample.0",
        "resnet50.layer2.0.conv3", "resnet50.layer2.1.conv1", "resnet50.layer2.1.conv2",
        "resnet50.layer3.0.conv1", "resnet50.layer3.0.conv2", "resnet50.layer3.0.downsample.0",
        "resnet50.layer3.0.conv3", "resnet50.layer3.1.conv1", "resnet50.layer3.1.conv2",
        "resnet50.layer4.0.conv1", "resnet50.layer4.0.conv2", "resnet50.layer4.0.downsample.0",
        "resnet50.layer4.0.conv3", "resnet50.layer4.1.conv1", "resnet50.layer4.1.conv2",
        "vgg16.features.0", "vgg16.features.2", "vgg16.features.5", "vgg16.features.7", "vgg16.features.10",
        "vgg16.features.12", "vgg16.features.17", "vgg16.features.19", "vgg16.features.24",
        "probe.1x1x1"
    })
    public String layer;

    @Param({"1", "32"})
    public int batch;

    @Param({"java", "onednn"})
    public String backend;

    @Param({"2"})
    public int threads;

    private Backend implementation;
    private Conv2dForward forward;
    private ConvOperands operands;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        ConvLayer conv = ConvLayers.byName(layer);
        implementation = Backends.select(backend);
        operands = new ConvOperands(conv.spec(batch), 42);
        forward = implementation.conv2dForward(operands.spec());
        forward();
        operands.check(backend);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        implementation.close();
        operands.close();
    }

    @Benchmark
    public void forward() {
        forward.run(operands.input(), operands.weight(), operands.bias(), operands.output());
    }
}
