package dev.jdnn.bench.model;

import dev.jdnn.engine.infer.InferenceSession;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.zoo.ModelInfo;
import dev.jdnn.zoo.Models;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Runs a zoo model through an {@link InferenceSession} on synthetic input, per batch size: compile time, the first
 * call, then warm-up and timed calls from {@code concurrency} threads sharing the session, every call's latency in an
 * HdrHistogram; throughput over the timed wall time; heap bytes allocated per call (the JVM's per-thread allocation
 * counter) and the process's peak RSS.
 */
public final class ModelBenchRunner {

    private static final long MAX_TRACKED_NANOS = 3_600_000_000_000L;

    private ModelBenchRunner() {
    }

    public static List<ModelMeasurement> run(ModelBenchConfig config, Consumer<String> progress) throws Exception {
        ModelInfo info = Models.info(config.model());
        List<ModelMeasurement> results = new ArrayList<>();
        try (Module model = Models.create(config.model(), info.classes())) {
            model.initialize(0);
            for (int batch : config.batches()) {
                progress.accept(config.model() + " batch " + batch + ": compiling");
                results.add(measure(config, model, batch, progress));
            }
        }
        return results;
    }

    private static ModelMeasurement measure(ModelBenchConfig config, Module model, int batch,
                                            Consumer<String> progress) throws Exception {
        Shape inputShape = Shape.of(batch, config.channels(), config.height(), config.width());
        long compileStart = System.nanoTime();
        try (InferenceSession session = InferenceSession.compile(model, config.backend(), inputShape)) {
            double compileMs = (System.nanoTime() - compileStart) / 1e6;
            int threads = config.concurrency();
            Tensor[] inputs = new Tensor[threads];
            Tensor[] outputs = new Tensor[threads];
            try {
                for (int t = 0; t < threads; t++) {
                    inputs[t] = randomInput(inputShape, t);
                    outputs[t] = Tensor.allocate(session.outputShape(), DType.F32);
                }
                long first = System.nanoTime();
                session.run(inputs[0], outputs[0]);
                long firstEnd = System.nanoTime();
                double firstCallMs = (firstEnd - first) / 1e6;
                double launchToFirstMs = System.currentTimeMillis()
                        - ManagementFactory.getRuntimeMXBean().getStartTime();
                session.warmup(threads);
                progress.accept(config.model() + " batch " + batch + ": warming up for "
                        + config.timing().warmup().toMillis() + " ms");
                runFor(session, inputs, outputs, config.timing().warmup().toNanos(), 1, null, null);
                progress.accept(config.model() + " batch " + batch + ": measuring");
                Histogram[] histograms = new Histogram[threads];
                long[] heap = new long[threads * 2];
                for (int t = 0; t < threads; t++) {
                    histograms[t] = new Histogram(MAX_TRACKED_NANOS, 3);
                }
                long wallStart = System.nanoTime();
                runFor(session, inputs, outputs, config.timing().measure().toNanos(), config.timing().minIterations(),
                        histograms, heap);
                double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
                Histogram all = new Histogram(MAX_TRACKED_NANOS, 3);
                for (Histogram h : histograms) {
                    all.add(h);
                }
                long calls = all.getTotalCount();
                long heapBytes = 0;
                long heapCalls = 0;
                for (int t = 0; t < threads; t++) {
                    heapBytes += heap[2 * t];
                    heapCalls += heap[2 * t + 1];
                }
                return new ModelMeasurement(batch, calls, ms(all.getValueAtPercentile(50)),
                        ms(all.getValueAtPercentile(90)), ms(all.getValueAtPercentile(99)), ms(all.getMaxValue()),
                        calls * (double) batch / wallSeconds, compileMs, firstCallMs, launchToFirstMs,
                        heapCalls == 0 ? Double.NaN : (double) heapBytes / heapCalls, rssPeakMb());
            } finally {
                for (int t = 0; t < threads; t++) {
                    if (inputs[t] != null) {
                        inputs[t].close();
                    }
                    if (outputs[t] != null) {
                        outputs[t].close();
                    }
                }
            }
        }
    }

    /**
     * Calls the session from {@code inputs.length} threads until {@code nanos} have passed and each made at least
     * {@code minCalls}; records each call's latency and, per thread, heap bytes allocated and calls.
     */
    private static void runFor(InferenceSession session, Tensor[] inputs, Tensor[] outputs, long nanos, long minCalls,
                               Histogram[] histograms, long[] heap) throws InterruptedException {
        int threads = inputs.length;
        long end = System.nanoTime() + nanos;
        CountDownLatch done = new CountDownLatch(threads);
        Throwable[] failure = new Throwable[1];
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int index = t;
            started.add(Thread.ofPlatform().name("jdnn-bench-caller-" + t).start(() -> {
                try {
                    com.sun.management.ThreadMXBean bean =
                            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                    long allocatedBefore = bean.getCurrentThreadAllocatedBytes();
                    long calls = 0;
                    while (calls < minCalls || System.nanoTime() < end) {
                        long start = System.nanoTime();
                        session.run(inputs[index], outputs[index]);
                        long elapsed = System.nanoTime() - start;
                        if (histograms != null) {
                            histograms[index].recordValue(Math.min(elapsed, MAX_TRACKED_NANOS));
                        }
                        calls++;
                    }
                    if (heap != null) {
                        heap[2 * index] = bean.getCurrentThreadAllocatedBytes() - allocatedBefore;
                        heap[2 * index + 1] = calls;
                    }
                } catch (Throwable e) {
                    failure[0] = e;
                } finally {
                    done.countDown();
                }
            }));
        }
        done.await();
        for (Thread thread : started) {
            thread.join();
        }
        if (failure[0] != null) {
            throw new IllegalStateException("bench: a call failed: " + failure[0].getMessage(), failure[0]);
        }
    }

    private static Tensor randomInput(Shape shape, int seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[Math.toIntExact(shape.elementCount())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
        return Tensor.of(values, shape.dims());
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** VmHWM of /proc/self/status in MiB, or NaN where there is none. */
    private static double rssPeakMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
