package dev.jdnn.bench.jmh;

import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.Backends;
import dev.jdnn.engine.backend.Eltwise;
import dev.jdnn.engine.backend.EltwiseSpec;
import dev.jdnn.engine.kernel.Activation;
import dev.jdnn.engine.parallel.Parallel;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
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
 * What one oneDNN primitive execution costs through FFM, with the work taken out: a ReLU on 16 floats is one
 * {@code dnnl_primitive_execute} (plus binding the two tensors with {@code dnnl_memory_set_data_handle}, the stream
 * wait, the argument checks and the OpenMP fork/join of oneDNN's threads). The Java backend's same call is beside it.
 * {@code java -jar bench/target/jdnn-benchmarks.jar PrimitiveCallBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class PrimitiveCallBenchmark {

    @Param({"onednn", "java"})
    public String backend;

    @Param({"1", "2"})
    public int threads;

    private Backend implementation;
    private Eltwise relu;
    private Tensor input;
    private Tensor output;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        implementation = Backends.select(backend);
        Shape shape = Shape.of(16);
        relu = implementation.eltwise(new EltwiseSpec(shape, Activation.RELU));
        input = Tensor.allocate(shape, DType.F32);
        output = Tensor.allocate(shape, DType.F32);
        for (int i = 0; i < 16; i++) {
            input.set(i - 8f, i);
        }
        relu.forward(input, output);
        for (int i = 0; i < 16; i++) {
            if (output.get(i) != Math.max(0f, i - 8f)) {
                throw new IllegalStateException(backend + " ReLU computed " + output.get(i) + " at " + i);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        implementation.close();
        input.close();
        output.close();
    }

    @Benchmark
    public void relu16() {
        relu.forward(input, output);
    }
}
