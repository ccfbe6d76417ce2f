package dev.jdnn.bench.jmh;

import dev.jdnn.bench.gemm.GemmOperands;
import dev.jdnn.bench.gemm.GemmShape;
import dev.jdnn.bench.gemm.JdnnGemm;
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
 * jdnn's SGEMM on off-heap operands: square sizes and the products ResNet-50's convolutions become through im2col
 * at batch 1, 224×224 ({@code OC x OH·OW x C·KH·KW}), on 1 and 2 threads. The result is spot-checked against double
 * precision in {@code @Setup}. Run: {@code java -jar bench/target/jdnn-benchmarks.jar SgemmBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class SgemmBenchmark {

    @Param({
        "256", "512", "1024", "2048",
        // ResNet-50 (batch 1, 224x224) convolutions as GEMMs: conv1, then a 3x3 and a 1x1 expansion of each stage.
        "64x12544x147",
        "64x3136x576", "256x3136x64",
        "128x784x1152", "512x784x128",
        "256x196x2304", "1024x196x256",
        "512x49x4608", "2048x49x512"
    })
    public String size;

    @Param({"1", "2"})
    public int threads;

    private GemmOperands operands;
    private final JdnnGemm gemm = new JdnnGemm();

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        operands = new GemmOperands(GemmShape.parse(size), 42);
        gemm.multiply(operands);
        operands.check("jdnn");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        operands.close();
    }

    @Benchmark
    public void sgemm() {
        gemm.multiply(operands);
    }
}
